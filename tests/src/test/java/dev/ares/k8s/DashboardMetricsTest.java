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
import dev.ares.core.checkpoint.CheckpointProblem;
import dev.ares.core.learner.Outcome;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.DeadLetterReason;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every series the Grafana dashboard (k8s/monitoring/grafana-dashboard.json) and the autoscalers query is one the
 * services really export, from the moment they start: the four packaged services are started (as
 * {@code ./ares up} does, on a local broker; the learner without {@code ares.learner.model-dir}, as a fresh
 * deployment without a model) and each {@code /q/metrics} is read at once ("fresh"). Then each service processes
 * one record on its input topic (a malformed one, which goes through the handler and the dead-letter producer),
 * inference answers one HTTP request, and {@code /q/metrics} is read again ("after activity").
 *
 * <p>Fresh: every series of the services' own meters ({@code ares_*}) and of the autoscalers must be there, with
 * the full tag sets of the core enums (buckets, outcomes, dead-letter reasons) and the percentile histograms'
 * {@code _bucket} series, so a dashboard over a new deployment shows zeros, not "no data". The only exceptions are
 * the {@link #CREATED_ON_FIRST_USE} series that Quarkus and the Kafka client create at their first request or
 * message (tagged per URI or per message). After activity: every query, with every matcher value it asks for.
 */
class DashboardMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Map<String, String> INPUT_TOPICS = Map.of(
            "rollout-service", "ares.rollout.requests",
            "reward-service", "ares.rollouts",
            "learner-service", "ares.scored",
            "inference-service", "ares.checkpoints");
    /**
     * Library series that exist only after the first request (Quarkus' HTTP server timer is tagged with the URI
     * template and status of each answered request; health and metrics probes are not counted). None of our own
     * meters; the test fails when one of them is already there at startup, so the list stays minimal.
     */
    static final Set<String> CREATED_ON_FIRST_USE = Set.of(
            "http_server_requests_seconds_count", "http_server_requests_seconds_sum", "http_server_requests_seconds_max");

    private static ServiceLauncher launcher;
    private static final Map<String, String> URLS = new LinkedHashMap<>();
    private static ExportedSeries fresh;
    private static ExportedSeries after;

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
        HttpClient http = HttpClient.newHttpClient();
        fresh = scrape(http, "fresh");
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            for (Map.Entry<String, String> e : INPUT_TOPICS.entrySet()) {
                String marker = "k8s-metrics-" + UUID.randomUUID();
                probe.send(e.getValue(), "bad", marker.getBytes(StandardCharsets.UTF_8));
                probe.await(e.getValue() + ".dlq", r -> new String(r.value(), StandardCharsets.UTF_8).equals(marker), WAIT);
            }
        }
        http.send(HttpRequest.newBuilder(URI.create(URLS.get("inference-service") + "/v1/models")).build(),
                HttpResponse.BodyHandlers.discarding());
        after = scrape(http, "after");
    }

    private static ExportedSeries scrape(HttpClient http, String phase) throws IOException, InterruptedException {
        Map<String, List<PromText.Sample>> exported = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : URLS.entrySet()) {
            String text = http.send(HttpRequest.newBuilder(URI.create(e.getValue() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            exported.put(e.getKey(), PromText.parse(text));
            // kept for diagnosis: what each service exported in this run
            Path dump = Path.of("target", "k8s-metrics", phase, e.getKey() + ".prom");
            Files.createDirectories(dump.getParent());
            Files.writeString(dump, text);
        }
        return new ExportedSeries(exported);
    }

    @AfterAll
    static void stopServices() {
        if (launcher != null) {
            for (ServiceSpec spec : ServiceSpec.ALL) {
                launcher.pidFile(spec).stop(Duration.ofSeconds(20));
            }
        }
    }

    /** Panel title → its queries. */
    private static Map<String, List<String>> dashboardQueries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Kustomize.repoRoot().resolve("k8s/monitoring/grafana-dashboard.json").toFile());
        Map<String, List<String>> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertFalse(expr.isBlank(), "panel " + panel.path("title").asText() + " has a target without expr");
                queries.computeIfAbsent(panel.path("title").asText(), t -> new ArrayList<>()).add(expr);
            }
        }
        return queries;
    }

    @Test
    void everyDashboardQueryReadsExportedSeries() throws IOException {
        List<String> problems = new ArrayList<>();
        int queries = 0;
        for (Map.Entry<String, List<String>> panel : dashboardQueries().entrySet()) {
            for (String expr : panel.getValue()) {
                queries++;
                problems.addAll(after.check(panel.getKey(), PromQuery.parse(expr), true));
            }
        }
        assertTrue(queries >= 30, "the dashboard has its panels, found " + queries + " queries");
        assertEquals(List.of(), problems, "dashboard queries that read series no service exports");
    }

    @Test
    void freshServicesAlreadyExportEveryQueriedSeries() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> skipped = new TreeSet<>();
        for (Map.Entry<String, List<String>> panel : dashboardQueries().entrySet()) {
            for (String expr : panel.getValue()) {
                PromQuery q = PromQuery.parse(expr);
                List<PromQuery.Selector> own = q.selectors().stream()
                        .filter(s -> !CREATED_ON_FIRST_USE.contains(s.metric())).toList();
                q.selectors().stream().map(PromQuery.Selector::metric).filter(CREATED_ON_FIRST_USE::contains).forEach(skipped::add);
                if (!own.isEmpty()) {
                    problems.addAll(fresh.check(panel.getKey(), new PromQuery(expr, own, q.groupingLabels()), false));
                }
            }
        }
        assertEquals(List.of(), problems, "series a just-started service does not export yet");
        assertEquals(CREATED_ON_FIRST_USE, skipped, "the exceptions are queried by the dashboard (or drop them)");
        assertTrue(CREATED_ON_FIRST_USE.stream().noneMatch(n -> n.startsWith("ares_")), "our own meters exist at startup");
        for (String name : CREATED_ON_FIRST_USE) {
            assertTrue(fresh.byService().values().stream().flatMap(List::stream).noneMatch(x -> x.name().equals(name)),
                    name + " is exported at startup already: drop it from CREATED_ON_FIRST_USE");
        }
    }

    @Test
    void freshServicesExportTheFullTagSetsOfTheCoreEnums() {
        Set<String> buckets = Arrays.stream(Bucket.values()).map(b -> b.name().toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
        for (String metric : List.of("ares_reward_groups_total", "ares_reward_groups_kept_total", "ares_reward_trajectories_total",
                "ares_reward_accuracy_mean", "ares_reward_reward_mean")) {
            assertEquals(buckets, fresh.labelValues("reward-service", metric, "bucket"), metric);
        }
        Set<String> outcomes = Arrays.stream(Outcome.values()).map(Outcome::label).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(outcomes, fresh.labelValues("learner-service", "ares_learner_trajectories_total", "outcome"));
        assertEquals(outcomes, fresh.labelValues("learner-service", "ares_learner_groups_total", "outcome"));
        Set<String> dropped = new TreeSet<>(outcomes);
        dropped.remove(Outcome.TRAINED.label());
        assertEquals(dropped, fresh.labelValues("learner-service", "ares_learner_dropped_total", "reason"));
        Set<String> reasons = Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::tag).collect(Collectors.toCollection(TreeSet::new));
        Set<String> kinds = Arrays.stream(CheckpointProblem.Kind.values()).map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
        for (Map.Entry<String, String> e : INPUT_TOPICS.entrySet()) {
            Set<String> got = fresh.byService().get(e.getKey()).stream()
                    .filter(s -> s.name().equals("ares_records_dlq_total") && e.getValue().equals(s.labels().get("topic")))
                    .map(s -> s.labels().get("reason")).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(reasons, got, e.getKey() + " dead-letter reasons of " + e.getValue());
            assertEquals(kinds, fresh.labelValues(e.getKey(), "ares_checkpoint_rejected_total", "kind"), e.getKey());
        }
        assertEquals(Set.of("chat", "completions"), fresh.labelValues("inference-service", "ares_inference_requests_total", "endpoint"));
    }

    @Test
    void freshServicesPublishPercentileHistograms() {
        for (String metric : List.of("ares_inference_time_to_first_token_seconds_bucket", "ares_inference_inter_token_latency_seconds_bucket")) {
            Set<String> le = fresh.labelValues("inference-service", metric, "le");
            assertTrue(le.size() > 10 && le.contains("+Inf"), metric + " has its histogram buckets: " + le);
        }
        for (String service : INPUT_TOPICS.keySet()) {
            Set<String> le = fresh.labelValues(service, "ares_process_seconds_bucket", "le");
            assertTrue(le.size() > 10 && le.contains("+Inf"), service + " ares_process_seconds buckets: " + le);
        }
    }

    @Test
    void theRecordTimerRegisteredAtStartupIsTheOneTheTimedInterceptorRecordsInto() {
        // reward and learner nack a malformed record to the DLQ without throwing, so the call counts as a success:
        // it must land in the one exception="none" series that TimedMeters registered at startup (a second series
        // or a count of 0 would mean the ids differ and the startup series stays 0 forever)
        for (String service : List.of("reward-service", "learner-service")) {
            List<PromText.Sample> none = after.byService().get(service).stream()
                    .filter(x -> x.name().equals("ares_process_seconds_count") && "none".equals(x.labels().get("exception")))
                    .toList();
            assertEquals(1, none.size(), service + ": one exception=\"none\" record timer: " + none);
            assertTrue(none.get(0).value() >= 1.0, service + ": the malformed record was timed in the startup series: " + none);
        }
    }

    @Test
    void anUnconfiguredLearnerShowsNoPolicyAndNoSteps() {
        // a learner without ares.learner.model-dir: counters at 0, step 0, policy version -1, last-step values NaN
        assertEquals(List.of(-1.0), values(fresh, "learner-service", "ares_learner_policy_version"));
        assertEquals(List.of(0.0), values(fresh, "learner-service", "ares_learner_step"));
        for (String m : List.of("ares_learner_loss", "ares_learner_kl", "ares_learner_entropy", "ares_learner_reward")) {
            List<Double> v = values(fresh, "learner-service", m);
            assertTrue(v.size() == 1 && v.get(0).isNaN(), m + " before any step: " + v);
        }
        assertTrue(values(fresh, "learner-service", "ares_learner_trajectories_total").stream().allMatch(x -> x == 0.0));
    }

    private static List<Double> values(ExportedSeries s, String service, String metric) {
        return s.byService().get(service).stream().filter(x -> x.name().equals(metric)).map(PromText.Sample::value).toList();
    }

    @Test
    void checksRejectSeriesThatDoNotExist() {
        assertFalse(after.check("t", PromQuery.parse("rate(ares_tokens_per_second_total{job=\"rollout-service\"}[5m])"), true).isEmpty(),
                "an unexported metric");
        assertFalse(after.check("t", PromQuery.parse("sum(ares_process_seconds_count{job=\"reward-service\",channel=\"requests\"})"), true).isEmpty(),
                "a channel the service does not have");
        assertFalse(after.check("t", PromQuery.parse("sum by (bucket) (ares_process_seconds_count{job=\"learner-service\"})"), true).isEmpty(),
                "a grouping label the metric does not have");
        assertFalse(after.check("t", PromQuery.parse("a_total{job=\"reward-service\"} or on (bucket) ares_process_seconds_count{job=\"reward-service\"}"), true).isEmpty(),
                "a matching label the metric does not have, an unexported metric on the left");
        assertFalse(after.check("t", PromQuery.parse("http_server_requests_seconds_count{job=\"nonexistent-service\"}"), true).isEmpty(),
                "a job that is no service");
        assertFalse(fresh.check("t", PromQuery.parse("max by (bucket) (ares_reward_reward_mean{job=\"reward-service\",bucket=\"trivial\"})"), false).isEmpty(),
                "a bucket that does not exist");
        assertEquals(List.of(), after.check("t", PromQuery.parse("sum by (job, channel) (rate(ares_process_seconds_count{job=\"reward-service\",channel=\"rollouts\"}[5m]))"), true));
        assertEquals(List.of(), fresh.check("t", PromQuery.parse("sum(ares_process_seconds_count{job=\"reward-service\",exception!=\"none\"}) or on (job, channel) ares_process_seconds_count{job=\"reward-service\"}"), false));
    }

    @Test
    void autoscalersReadOnlyMetricsAFreshServiceExports() throws Exception {
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
                        String metric = m.path(type.substring(0, 1).toLowerCase(Locale.ROOT) + type.substring(1)).path("metric").path("name").asText();
                        assertEquals(List.of(), fresh.check("HPA " + target, PromQuery.parse(metric + "{job=\"" + target + "\"}"), false), overlay);
                    }
                }
            }
            for (JsonNode so : r.ofKind("ScaledObject")) {
                for (JsonNode t : so.path("spec").path("triggers")) {
                    String type = t.path("type").asText();
                    if (type.equals("prometheus")) {
                        assertEquals(List.of(), fresh.check("ScaledObject", PromQuery.parse(t.path("metadata").path("query").asText()), false), overlay);
                    } else {
                        // the kafka scaler reads the consumer group's lag from the brokers (ManifestShapeTest checks the group and topic)
                        assertEquals("kafka", type, overlay + ": a trigger this test knows how to check");
                    }
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
