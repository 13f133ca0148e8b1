package dev.ares.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.cli.stack.Ports;
import dev.ares.cli.stack.RunDir;
import dev.ares.cli.stack.ServiceLauncher;
import dev.ares.cli.stack.ServiceSpec;
import dev.ares.kafkalocal.LocalKafka;
import dev.ares.kafkalocal.TopicAdmin;
import dev.ares.kafkalocal.TopicsFile;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.testkit.Records;
import dev.ares.testkit.TopicProbe;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The broker and the four services as separate processes started from their packaged jars, as
 * {@code ./ares up} starts them: each is live, reports readiness truthfully (including a broker outage and its
 * recovery), dead-letters a malformed record on each input topic and keeps running, and stops cleanly
 * (no process left, ports free); and a rollout request goes through the real DJL model (the qwen2-tiny fixture)
 * and the real AEPO scorer to a scored batch.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagedServicesTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Map<String, String> INPUT_TOPICS = Map.of(
            "rollout-service", "ares.rollout.requests",
            "reward-service", "ares.rollouts",
            "learner-service", "ares.scored",
            "inference-service", "ares.checkpoints");

    /** The readiness check that covers the broker connection of every channel (SmallRye Reactive Messaging). */
    private static final String MESSAGING_CHECK = "SmallRye Reactive Messaging - readiness check";

    private static Path tmp;
    private static RunDir run;
    private static LocalKafka kafka;
    private static int kafkaPort;
    private static ServiceLauncher launcher;
    private static final Map<ServiceSpec, String> URLS = new LinkedHashMap<>();

    @BeforeAll
    static void startAll() throws IOException {
        Path repo = Path.of(System.getProperty("ares.repo.root", "..")).toAbsolutePath().normalize();
        tmp = Files.createTempDirectory("ares-e2e");
        run = new RunDir(repo, tmp.resolve("run")).create();
        kafkaPort = freePort();
        kafka = startBroker();
        TopicAdmin.apply(kafka.bootstrapServers(), TopicsFile.load(repo.resolve(TopicsFile.RELATIVE_PATH)).topics());
        launcher = new ServiceLauncher(run);
        Path model = repo.resolveSibling("shared").resolve("fixtures/hf-reference/qwen2-tiny");
        assertTrue(Files.isDirectory(model), "fixture model missing: " + model);
        Map<String, String> props = Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                "ares.checkpoints.root", run.checkpoints().toString(), "ares.blobs.root", run.blobs().toString(),
                "ares.reward.expire-check", "1s", "ares.model.dir", model.toString());
        for (ServiceSpec spec : ServiceSpec.ALL) {
            URLS.put(spec, launcher.start(spec, freePort(), props, WAIT));
        }
    }

    private static LocalKafka startBroker() {
        return LocalKafka.start(new LocalKafka.Options(run.kafkaData(), kafkaPort, run.logs().resolve("kafka.log"), WAIT));
    }

    @AfterAll
    static void stopAll() {
        for (ServiceSpec spec : ServiceSpec.ALL) {
            Optional<ProcessHandle> p = launcher == null ? Optional.empty() : launcher.pidFile(spec).process();
            if (launcher != null) {
                launcher.pidFile(spec).stop(Duration.ofSeconds(20));
            }
            p.ifPresent(h -> assertFalse(h.isAlive(), spec.name() + " still running after stop"));
            String url = URLS.get(spec);
            if (url != null) {
                Ports.requireFree(Integer.parseInt(url.substring(url.lastIndexOf(':') + 1)), spec.name() + " after stop");
            }
        }
        if (kafka != null) {
            kafka.stop();
            assertFalse(kafka.isAlive(), "broker still running after stop");
        }
    }

    @Test
    @Order(1)
    void everyServiceIsLiveAndReportsReadinessWithReasons() {
        for (Map.Entry<ServiceSpec, String> e : URLS.entrySet()) {
            given().baseUri(e.getValue()).get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
            JsonPath ready = JsonPath.from(given().baseUri(e.getValue()).get("/q/health/ready").asString());
            assertEquals("UP", messagingCheck(ready), e.getKey().name() + ": the broker is up");
            List<Map<String, Object>> checks = ready.getList("checks");
            for (Map<String, Object> check : checks) {
                if ("DOWN".equals(check.get("status"))) {
                    assertNotNull(check.get("data"), e.getKey().name() + ": a DOWN check says why: " + check);
                }
            }
            boolean anyDown = checks.stream().anyMatch(c -> "DOWN".equals(c.get("status")));
            assertEquals(anyDown ? "DOWN" : "UP", ready.getString("status"));
        }
    }

    @Test
    @Order(2)
    void malformedRecordOnEveryInputTopicIsDeadLetteredAndServicesStayLive() {
        try (TopicProbe probe = new TopicProbe(kafka.bootstrapServers())) {
            for (Map.Entry<String, String> e : INPUT_TOPICS.entrySet()) {
                String marker = "e2e-garbage-" + UUID.randomUUID();
                byte[] bytes = marker.getBytes(StandardCharsets.UTF_8);
                probe.send(e.getValue(), "bad", bytes);
                ConsumerRecord<String, byte[]> dead = probe.await(e.getValue() + ".dlq",
                        r -> new String(r.value(), StandardCharsets.UTF_8).equals(marker), WAIT);
                assertArrayEquals(bytes, dead.value(), e.getKey() + " keeps the original bytes");
                assertEquals(e.getValue(), TopicProbe.header(dead, "dead-letter-topic"));
                assertNotNull(TopicProbe.header(dead, "dead-letter-offset"));
                assertNotNull(TopicProbe.header(dead, "dead-letter-reason"), e.getKey() + " says why");
            }
        }
        for (String url : URLS.values()) {
            given().baseUri(url).get("/q/health/live").then().statusCode(200);
            given().baseUri(url).get("/q/metrics").then().statusCode(200)
                    .body(containsString("# TYPE")).body(containsString("ares_process_seconds"))
                    .body(containsString("mp_messaging_message_count_total"));
        }
    }

    @Test
    @Order(3)
    void readinessFollowsABrokerOutageAndRecoversByItself() throws InterruptedException {
        long t0 = System.nanoTime();
        kafka.stop();
        for (String url : URLS.values()) {
            awaitMessagingCheck(url, "DOWN");
            given().baseUri(url).get("/q/health/live").then().statusCode(200);
        }
        long t1 = System.nanoTime();
        kafka = startBroker();
        long t2 = System.nanoTime();
        for (String url : URLS.values()) {
            awaitMessagingCheck(url, "UP");
        }
        System.out.printf("broker outage: DOWN seen after %d ms, restart %d ms, UP seen after %d ms%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
    }

    @Test
    @Order(4)
    void aRequestIsGeneratedByTheModelAndScoredByAepo() throws InterruptedException {
        for (ServiceSpec spec : List.of(ServiceSpec.ALL.get(0), ServiceSpec.ALL.get(1), ServiceSpec.ALL.get(2))) {
            awaitCheck(URLS.get(spec), c -> !MESSAGING_CHECK.equals(c.get("name")), "UP");
        }
        long step = 700 + (System.nanoTime() & 0xff);
        String gid = "e2e-" + UUID.randomUUID();
        RolloutRequest base = Records.request("run-e2e", gid, step, 1, 4);
        RolloutRequest req = new RolloutRequest(base.requestId(), gid, base.runId(), step, 1, 0, base.prompt(), 4,
                new SamplingParams(1.0, 1.0, 0, 8, 11, List.of()), ExplorationMode.IID, 0, 0.0, 0);
        try (TopicProbe probe = new TopicProbe(kafka.bootstrapServers())) {
            probe.send("ares.rollout.requests", gid, Codecs.rolloutRequest().encode(req));
            RolloutGroup group = Codecs.rolloutGroup().decode(probe.await("ares.rollouts",
                    r -> Long.toString(step).equals(r.key()) && Codecs.rolloutGroup().decode(r.value()).groupId().equals(gid),
                    WAIT).value());
            assertEquals(4, group.trajectories().size());
            ScoredBatch batch = Codecs.scoredBatch().decode(probe.await("ares.scored",
                    r -> Long.toString(step).equals(r.key()) && Codecs.scoredBatch().decode(r.value()).runId().equals("run-e2e"),
                    WAIT).value());
            assertEquals(1, batch.groups().size());
            assertEquals(gid, batch.groups().get(0).groupId());
            assertEquals(4, batch.groups().get(0).trajectories().size());
            assertFalse(batch.partial());
        }
    }

    private static void awaitCheck(String url, java.util.function.Predicate<Map<String, Object>> which, String expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> checks = JsonPath.from(given().baseUri(url).get("/q/health/ready").asString()).getList("checks");
            last = checks.stream().filter(which).map(c -> (String) c.get("status")).filter(s -> !expected.equals(s))
                    .findFirst().orElse(expected);
            if (expected.equals(last)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(url + ": readiness stayed " + last + ", expected " + expected);
    }

    private static void awaitMessagingCheck(String url, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = messagingCheck(JsonPath.from(given().baseUri(url).get("/q/health/ready").asString()));
            if (expected.equals(last)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(url + ": messaging readiness check stayed " + last + ", expected " + expected);
    }

    private static String messagingCheck(JsonPath ready) {
        List<Map<String, Object>> checks = ready.getList("checks");
        return checks.stream().filter(c -> MESSAGING_CHECK.equals(c.get("name")))
                .map(c -> (String) c.get("status")).findFirst().orElse("MISSING");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
