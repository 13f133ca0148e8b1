package dev.ares.cli.servebench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One load level of the serving benchmark: {@code clients} closed-loop clients (each sends its next request as soon
 * as its previous one was answered) against one OpenAI-compatible endpoint over loopback HTTP.
 *
 * <p>Measurement window: it opens once every client has had its first answer (the ramp-up is over: with sequential
 * serving and many clients the first round alone takes a whole queue's worth of service time) and at least
 * {@code warmup} has passed, and it lasts {@code duration}. Only requests answered inside the window count for
 * throughput (their completion tokens, from {@code usage.completion_tokens}, and their number, over the window's
 * length) and latency (send to last byte of a non-streaming answer). Requests still running when the window closes
 * are awaited but not counted. Every answer's HTTP status, inside or outside the window, is tallied, so "zero 5xx"
 * covers the whole level.
 */
public final class LoadLevel {
    /** A request body and its index in the fixed prompt set. */
    public record Body(int index, String json) {
    }

    /**
     * What one level (or several windows of it, {@link Result#combine}) measured.
     *
     * @param clients          concurrent closed-loop clients
     * @param windowSeconds    total length of the measurement window(s) (s)
     * @param requests         successful (200) answers inside the window(s)
     * @param completionTokens their completion tokens
     * @param requestsPerSecond  {@code requests / windowSeconds}
     * @param tokensPerSecond  {@code completionTokens / windowSeconds}
     * @param p50Millis        median latency of the counted requests (ms, nearest rank)
     * @param p99Millis        99th-percentile latency of the counted requests (ms, nearest rank)
     * @param statuses         HTTP status to count, over every answer of the level (window or not)
     * @param transportErrors  requests that got no HTTP answer (connection refused or reset, timeout)
     * @param loadAverage      one-minute load average of the machine at the end of the (last) window
     * @param latenciesNanos   the counted requests' latencies, ascending (ns)
     * @param serverCpuSeconds CPU time the server process used during the window(s) (s, all its threads); NaN when
     *                         the server is not a local process of the benchmark
     */
    public record Result(int clients, double windowSeconds, int requests, long completionTokens, double requestsPerSecond,
                         double tokensPerSecond, double p50Millis, double p99Millis, Map<Integer, Integer> statuses,
                         int transportErrors, double loadAverage, long[] latenciesNanos, double serverCpuSeconds) {
        /**
         * Completion tokens per CPU-second of the server: the throughput per unit of CPU the server actually got, which
         * on a shared machine (where a niced server gets whatever CPU is left) compares servers better than wall time.
         */
        public double tokensPerCpuSecond() {
            return completionTokens / serverCpuSeconds;
        }

        /** Answers with a 5xx status. */
        public int serverErrors() {
            return statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToInt(Map.Entry::getValue).sum();
        }

        /**
         * Several windows of the same client count as one: windows, requests, tokens and statuses add up, the latencies
         * are pooled; the load average is the mean of the windows'.
         */
        public static Result combine(List<Result> parts) {
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("nothing to combine");
            }
            Map<Integer, Integer> statuses = new TreeMap<>();
            double secs = 0;
            long tokens = 0;
            int errors = 0;
            double load = 0;
            double cpu = 0;
            List<Long> all = new ArrayList<>();
            for (Result r : parts) {
                if (r.clients() != parts.get(0).clients()) {
                    throw new IllegalArgumentException("cannot combine " + r.clients() + " and " + parts.get(0).clients() + " clients");
                }
                secs += r.windowSeconds();
                tokens += r.completionTokens();
                errors += r.transportErrors();
                load += r.loadAverage() / parts.size();
                cpu += r.serverCpuSeconds();
                r.statuses().forEach((k, v) -> statuses.merge(k, v, Integer::sum));
                for (long l : r.latenciesNanos()) {
                    all.add(l);
                }
            }
            long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Result(parts.get(0).clients(), secs, sorted.length, tokens, sorted.length / secs, tokens / secs,
                    percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, statuses, errors, load, sorted, cpu);
        }
    }

    private record Sample(long endNanos, long latencyNanos, int status, long tokens) {
    }

    private final HttpClient http;
    private final ObjectMapper json;
    private final URI endpoint;
    private final List<Body> bodies;
    private final Duration requestTimeout;

    /**
     * @param endpoint       the full URL of the POST endpoint ({@code .../v1/chat/completions})
     * @param bodies         the fixed request bodies; client {@code c}'s {@code k}-th request sends body
     *                       {@code (c + k) mod bodies.size()}: every client cycles through the whole set, so a window's
     *                       answers mix short and long completions alike on every server
     * @param requestTimeout longest wait for one answer (a timeout counts as a transport error)
     */
    public LoadLevel(HttpClient http, ObjectMapper json, URI endpoint, List<Body> bodies, Duration requestTimeout) {
        if (bodies.isEmpty()) {
            throw new IllegalArgumentException("the benchmark needs at least one request body");
        }
        this.http = http;
        this.json = json;
        this.endpoint = endpoint;
        this.bodies = List.copyOf(bodies);
        this.requestTimeout = requestTimeout;
    }

    /**
     * Runs one level and returns its measurements.
     *
     * @param clients  concurrent clients, at least 1
     * @param warmup   least time before the window opens
     * @param duration length of the measurement window
     * @param server   the server's process, for its CPU time over the window; null when not known
     * @throws IllegalStateException when a client thread is interrupted or the level does not end in time
     */
    public Result run(int clients, Duration warmup, Duration duration, ProcessHandle server) throws InterruptedException {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        }
        long start = System.nanoTime();
        CountDownLatch firstAnswers = new CountDownLatch(clients);
        long[] window = {Long.MAX_VALUE, Long.MAX_VALUE};                  // [open, close] once known
        Object windowLock = new Object();
        List<List<Sample>> perClient = new ArrayList<>();
        AtomicInteger transportErrors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<Sample> mine = new ArrayList<>();
            perClient.add(mine);
            int client = c;
            Thread t = new Thread(() -> {
                boolean first = true;
                for (int k = 0; ; k++) {
                    long closeAt;
                    synchronized (windowLock) {
                        closeAt = window[1];
                    }
                    if (System.nanoTime() >= closeAt) {
                        return;
                    }
                    Body body = bodies.get((int) ((client + (long) k) % bodies.size()));
                    Sample s = send(body);
                    if (s == null) {
                        transportErrors.incrementAndGet();
                    } else {
                        mine.add(s);
                    }
                    if (first) {
                        first = false;
                        firstAnswers.countDown();
                    }
                }
            }, "bench-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long rampLimit = TimeUnit.MINUTES.toNanos(30);
        if (!firstAnswers.await(rampLimit, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("not every one of " + clients + " clients got an answer within 30 minutes");
        }
        long open = Math.max(System.nanoTime(), start + warmup.toNanos());
        long sleep = open - System.nanoTime();
        if (sleep > 0) {
            TimeUnit.NANOSECONDS.sleep(sleep);
        }
        synchronized (windowLock) {
            window[0] = open;
            window[1] = open + duration.toNanos();
        }
        long cpuAtOpen = cpuNanos(server);
        long close = window[1] - System.nanoTime();
        if (close > 0) {
            TimeUnit.NANOSECONDS.sleep(close);
        }
        long cpuAtClose = cpuNanos(server);
        double cpuSeconds = cpuAtOpen < 0 || cpuAtClose < 0 ? Double.NaN : (cpuAtClose - cpuAtOpen) / 1e9;
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(30) + duration.toMillis());
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not finish its last request within 30 minutes");
            }
        }
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return summarize(clients, window[0], window[1], perClient, transportErrors.get(), load, cpuSeconds);
    }

    /** Total CPU time of a process (all threads, ns), or -1 when unknown. */
    private static long cpuNanos(ProcessHandle p) {
        if (p == null) {
            return -1;
        }
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private static Result summarize(int clients, long open, long close, List<List<Sample>> perClient, int transportErrors,
                                    double load, double cpuSeconds) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<Long> latencies = new ArrayList<>();
        long tokens = 0;
        for (List<Sample> samples : perClient) {
            for (Sample s : samples) {
                statuses.merge(s.status(), 1, Integer::sum);
                if (s.status() == 200 && s.endNanos() >= open && s.endNanos() < close) {
                    latencies.add(s.latencyNanos());
                    tokens += s.tokens();
                }
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double secs = (close - open) / 1e9;
        return new Result(clients, secs, sorted.length, tokens, sorted.length / secs, tokens / secs,
                percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, statuses, transportErrors, load, sorted,
                cpuSeconds);
    }

    /** Nearest-rank percentile of sorted values; NaN for none. */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Sends one request; null when no HTTP answer came. */
    private Sample send(Body body) {
        HttpRequest req = HttpRequest.newBuilder(endpoint).timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.json())).build();
        long t0 = System.nanoTime();
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            long t1 = System.nanoTime();
            long tokens = 0;
            if (r.statusCode() == 200) {
                JsonNode usage = json.readTree(r.body()).path("usage").path("completion_tokens");
                if (!usage.canConvertToLong()) {
                    throw new IllegalStateException("a 200 answer from " + endpoint + " has no usage.completion_tokens");
                }
                tokens = usage.asLong();
            }
            return new Sample(t1, t1 - t0, r.statusCode(), tokens);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
