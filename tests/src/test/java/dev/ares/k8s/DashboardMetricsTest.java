package dev.ares.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.cli.stack.RunDir;
import dev.ares.cli.stack.ServiceLauncher;
import dev.ares.cli.stack.ServiceSpec;
import dev.ares.testkit.SharedKafka;
import dev.ares.testkit.TopicProbe;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every series the Grafana dashboard (k8s/monitoring/grafana-dashboard.json) and the autoscalers query is one the
 * services really export: the four packaged services are started (as {@code ./ares up} does, on a local broker),
 * each processes one record on its input topic (a malformed one, which goes through the handler and the
 * dead-letter producer, so the per-record timer and the producer metrics exist), inference answers one HTTP
 * request, and then each service's {@code /q/metrics} is read.
 *
 * <p>A selector's job matcher picks the services (Prometheus' job label is the Service name that the
 * ServiceMonitor scrapes; without one: any service). Each picked service must export the metric with the labels
 * the query filters and groups by (target labels that Prometheus adds excepted), and the label values asked for
 * must occur in at least one of them. Metrics the design asks for that no service exports yet (reward and accuracy per bucket,
 * entropy, KL, tokens/s, latency percentiles) are not in the dashboard; docs/operations.md lists them.
 */
class DashboardMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** Labels Prometheus attaches from the scrape target, not from the exposition. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance", "namespace", "pod", "service", "container", "endpoint");
    private static final Map<String, String> INPUT_TOPICS = Map.of(
            "rollout-service", "ares.rollout.requests",
            "reward-service", "ares.rollouts",
            "learner-service", "ares.scored",
            "inference-service", "ares.checkpoints");

    private static ServiceLauncher launcher;
    private static final Map<String, String> URLS = new LinkedHashMap<>();
    private static final Map<String, List<PromText.Sample>> EXPORTED = new LinkedHashMap<>();

    @BeforeAll
    static void startServicesAndScrape() throws Exception {
        Path repo = Kustomize.repoRoot();
        for (ServiceSpec spec : ServiceSpec.ALL) {
            assumeTrue(Files.isRegularFile(spec.jar(repo)), "ASSUMPTION: " + spec.name() + " is not packaged ("
                    + spec.jar(repo) + "); the reactor packages it before this module");
        }
        String bootstrap = SharedKafka.bootstrapServers();
        Path tmp = Files.createTempDirectory("ares-k8s-metrics");
        RunDir run = new RunDir(repo, tmp.resolve("run")).create();
        launcher = new ServiceLauncher(run);
        Map<String, String> props = Map.of("kafka.bootstrap.servers", bootstrap,
                "ares.checkpoints.root", run.checkpoints().toString(), "ares.blobs.root", run.blobs().toString());
        for (ServiceSpec spec : ServiceSpec.ALL) {
            URLS.put(spec.name(), launcher.start(spec, freePort(), props, WAIT));
        }
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            for (Map.Entry<String, String> e : INPUT_TOPICS.entrySet()) {
                String marker = "k8s-metrics-" + UUID.randomUUID();
                probe.send(e.getValue(), "bad", marker.getBytes(StandardCharsets.UTF_8));
                probe.await(e.getValue() + ".dlq", r -> new String(r.value(), StandardCharsets.UTF_8).equals(marker), WAIT);
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(URI.create(URLS.get("inference-service") + "/v1/models")).build(),
                HttpResponse.BodyHandlers.discarding());
        for (Map.Entry<String, String> e : URLS.entrySet()) {
            String text = http.send(HttpRequest.newBuilder(URI.create(e.getValue() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            EXPORTED.put(e.getKey(), PromText.parse(text));
            // kept for diagnosis: what each service exported in this run
            Path dump = Path.of("target", "k8s-metrics", e.getKey() + ".prom");
            Files.createDirectories(dump.getParent());
            Files.writeString(dump, text);
        }
    }

    @AfterAll
    static void stopServices() {
        if (launcher != null) {
            for (ServiceSpec spec : ServiceSpec.ALL) {
                launcher.pidFile(spec).stop(Duration.ofSeconds(20));
            }
        }
    }

    @Test
    void everyDashboardQueryReadsExportedSeries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Kustomize.repoRoot().resolve("k8s/monitoring/grafana-dashboard.json").toFile());
        List<String> problems = new ArrayList<>();
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertFalse(expr.isBlank(), "panel " + panel.path("title").asText() + " has a target without expr");
                queries++;
                problems.addAll(check(panel.path("title").asText(), PromQuery.parse(expr)));
            }
        }
        assertTrue(queries >= 10, "the dashboard has its panels, found " + queries + " queries");
        assertEquals(List.of(), problems, "dashboard queries that read series no service exports");
    }

    @Test
    void checksRejectSeriesThatDoNotExist() {
        assertFalse(check("t", PromQuery.parse("rate(ares_tokens_per_second_total{job=\"rollout-service\"}[5m])")).isEmpty(),
                "an unexported metric");
        assertFalse(check("t", PromQuery.parse("sum(ares_process_seconds_count{job=\"reward-service\",channel=\"requests\"})")).isEmpty(),
                "a channel the service does not have");
        assertFalse(check("t", PromQuery.parse("sum by (bucket) (ares_process_seconds_count{job=\"learner-service\"})")).isEmpty(),
                "a grouping label the metric does not have");
        assertFalse(check("t", PromQuery.parse("http_server_requests_seconds_count{job=\"nonexistent-service\"}")).isEmpty(),
                "a job that is no service");
        assertEquals(List.of(), check("t", PromQuery.parse("sum by (job, channel) (rate(ares_process_seconds_count{job=\"reward-service\",channel=\"rollouts\"}[5m]))")));
    }

    @Test
    void autoscalersReadOnlyExportedOrBuiltInMetrics() throws Exception {
        Optional<Path> kubectl = Kustomize.kubectl();
        assumeTrue(kubectl.isPresent(), "ASSUMPTION: kubectl is not installed (Debian package kubernetes-client), so the overlays cannot be rendered");
        for (String overlay : List.of("k8s/overlays/cpu", "k8s/overlays/gpu")) {
            Rendered r = new Rendered(overlay, Kustomize.render(kubectl.get(), Kustomize.repoRoot().resolve(overlay)));
            assertFalse(r.ofKind("HorizontalPodAutoscaler").isEmpty(), overlay + " has an HPA");
            for (JsonNode hpa : r.ofKind("HorizontalPodAutoscaler")) {
                String target = hpa.path("spec").path("scaleTargetRef").path("name").asText();
                for (JsonNode m : hpa.path("spec").path("metrics")) {
                    String type = m.path("type").asText();
                    if (type.equals("Resource") || type.equals("ContainerResource")) {
                        assertTrue(Set.of("cpu", "memory").contains(m.path(type.equals("Resource") ? "resource" : "containerResource").path("name").asText()));
                    } else {
                        String metric = m.path(type.substring(0, 1).toLowerCase() + type.substring(1)).path("metric").path("name").asText();
                        assertEquals(List.of(), check("HPA " + target, PromQuery.parse(metric + "{job=\"" + target + "\"}")), overlay);
                    }
                }
            }
            for (JsonNode so : r.ofKind("ScaledObject")) {
                for (JsonNode t : so.path("spec").path("triggers")) {
                    String type = t.path("type").asText();
                    if (type.equals("prometheus")) {
                        assertEquals(List.of(), check("ScaledObject", PromQuery.parse(t.path("metadata").path("query").asText())), overlay);
                    } else {
                        // the kafka scaler reads the consumer group's lag from the brokers (ManifestShapeTest checks the group and topic)
                        assertEquals("kafka", type, overlay + ": a trigger this test knows how to check");
                    }
                }
            }
        }
    }

    /**
     * Problems of one query. Each selected service must export the metric with every label the query filters or
     * groups by (a series that exists); the label values the matchers ask for must occur in at least one selected
     * service (a service without failures has no {@code exception!="none"} series yet, which is normal).
     */
    private static List<String> check(String where, PromQuery q) {
        List<String> problems = new ArrayList<>();
        if (q.selectors().isEmpty()) {
            problems.add(where + ": no metric read by " + q.expr());
        }
        for (PromQuery.Selector s : q.selectors()) {
            PromQuery.Matcher1 job = s.matchers().stream().filter(m -> m.label().equals("job")).findFirst().orElse(null);
            List<String> services = EXPORTED.keySet().stream().filter(svc -> job == null || job.accepts(svc)).toList();
            if (services.isEmpty()) {
                problems.add(where + ": " + s.metric() + " selects no service (job " + (job == null ? "-" : job.value()) + ")");
                continue;
            }
            List<PromQuery.Matcher1> own = s.matchers().stream().filter(m -> !TARGET_LABELS.contains(m.label())).toList();
            Set<String> needed = new java.util.TreeSet<>();
            own.stream().filter(m -> !m.accepts("")).forEach(m -> needed.add(m.label()));
            q.groupingLabels().stream().filter(l -> !TARGET_LABELS.contains(l)).forEach(needed::add);
            int valuesFound = 0;
            int shapeFound = 0;
            for (String service : services) {
                List<PromText.Sample> named = EXPORTED.get(service).stream()
                        .filter(sample -> sample.name().equals(s.metric()) && sample.labels().keySet().containsAll(needed)).toList();
                if (!named.isEmpty()) {
                    shapeFound++;
                } else if (job != null) {
                    problems.add(where + ": " + service + " exports no " + s.metric() + " with labels " + needed + " (" + q.expr() + ")");
                }
                if (named.stream().anyMatch(sample -> own.stream().allMatch(m -> m.accepts(sample.labels().get(m.label()))))) {
                    valuesFound++;
                }
            }
            if (shapeFound == 0 && job == null) {
                problems.add(where + ": no service exports " + s.metric() + " with labels " + needed + " (" + q.expr() + ")");
            } else if (valuesFound == 0) {
                problems.add(where + ": no sample of " + s.metric() + " in " + services + " matches " + own + " (" + q.expr() + ")");
            }
        }
        return problems;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
