package dev.ares.cli.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of the services' {@code /q/metrics} (Prometheus text) summed over process lifetimes: a killed service
 * starts again from zero, so the tally keeps the last value scraped from each incarnation (service and pid) and
 * adds them up. What an incarnation counted between its last scrape and its SIGKILL is missing, so the totals are
 * lower bounds; scraping often (the soak scrapes every few seconds) keeps the gap small.
 */
public final class MetricsTally {
    private final List<String> prefixes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** incarnation ("service/pid") -> series -> last value. */
    private final Map<String, Map<String, Double>> last = new LinkedHashMap<>();

    /**
     * @param prefixes metric names to keep, e.g. {@code ares_records_dlq_total} (a series is kept when its name
     *                 starts with one of them)
     */
    public MetricsTally(List<String> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    /**
     * Scrapes one service incarnation; a service that does not answer (being killed or starting) is skipped.
     *
     * @param service service name
     * @param pid     its process id (a new pid is a new incarnation)
     * @param baseUrl {@code http://127.0.0.1:PORT}
     */
    public void scrape(String service, long pid, String baseUrl) {
        String body;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return;
            }
            body = r.body();
        } catch (IOException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Map<String, Double> values = last.computeIfAbsent(service + "/" + pid, k -> new TreeMap<>());
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#' || prefixes.stream().noneMatch(line::startsWith)) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            try {
                values.put(service + " " + line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                // not a sample line
            }
        }
    }

    /** Series ("service name{labels}") summed over incarnations, in name order. */
    public Map<String, Double> totals() {
        Map<String, Double> sum = new TreeMap<>();
        for (Map<String, Double> m : last.values()) {
            m.forEach((k, v) -> sum.merge(k, v, Double::sum));
        }
        return sum;
    }

    /** The sum of every series whose key contains {@code fragment} (e.g. {@code ares_checkpoint_rejected_total}). */
    public double total(String fragment) {
        return totals().entrySet().stream().filter(e -> e.getKey().contains(fragment)).mapToDouble(Map.Entry::getValue).sum();
    }

    /** Incarnations scraped at least once. */
    public int incarnations() {
        return last.size();
    }
}
