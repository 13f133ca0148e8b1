package dev.ares.rollout;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.testkit.LocalKafkaResource;
import dev.ares.testkit.Records;
import dev.ares.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** rollout-service against the real local broker, with a test double for generation. */
@QuarkusTest
@WithTestResource(LocalKafkaResource.class)
class RolloutServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    FakeRolloutEngine engine;

    @Test
    void requestBecomesGroupKeyedByStep() {
        String gid = "g-" + UUID.randomUUID();
        RolloutRequest req = Records.request(gid, 41, 4);
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            probe.send("ares.rollout.requests", gid, Codecs.rolloutRequest().encode(req));
            ConsumerRecord<String, byte[]> out = probe.await("ares.rollouts",
                    r -> Codecs.rolloutGroup().decode(r.value()).groupId().equals(gid), WAIT);
            RolloutGroup group = Codecs.rolloutGroup().decode(out.value());
            assertEquals("41", out.key());
            assertEquals(4, group.trajectories().size());
            assertArrayEquals(Records.group(req, 8, gid.hashCode()).trajectories().get(0).entropies(),
                    group.trajectories().get(0).entropies());
        }
    }

    @Test
    void malformedAndRejectedRecordsAreDeadLetteredAndConsumptionGoesOn() {
        String marker = "garbage-" + UUID.randomUUID();
        byte[] garbage = marker.getBytes(StandardCharsets.UTF_8);
        String rejectedGid = "rej-" + UUID.randomUUID();
        RolloutRequest rejected = new RolloutRequest("r-" + rejectedGid, rejectedGid, "run-test", 1, 1, 0,
                new dev.ares.core.protocol.Prompt(java.util.List.of(new dev.ares.core.protocol.ChatMessage("user", "please reject")),
                        java.util.List.of(), "1", "t", null), 2, Records.request("x", 1, 2).sampling(),
                dev.ares.core.protocol.ExplorationMode.IID, 0, 0.0, 0);
        String okGid = "ok-" + UUID.randomUUID();
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            probe.send("ares.rollout.requests", "bad", garbage);
            probe.send("ares.rollout.requests", rejectedGid, Codecs.rolloutRequest().encode(rejected));
            probe.send("ares.rollout.requests", okGid, Codecs.rolloutRequest().encode(Records.request(okGid, 2, 2)));

            ConsumerRecord<String, byte[]> dead = probe.await("ares.rollout.requests.dlq",
                    r -> new String(r.value(), StandardCharsets.UTF_8).equals(marker), WAIT);
            assertArrayEquals(garbage, dead.value(), "the DLQ keeps the original bytes");
            assertEquals("ares.rollout.requests", TopicProbe.header(dead, "dead-letter-topic"));
            assertNotNull(TopicProbe.header(dead, "dead-letter-offset"));
            assertNotNull(TopicProbe.header(dead, "dead-letter-partition"));
            assertNotNull(TopicProbe.header(dead, "dead-letter-reason"));

            ConsumerRecord<String, byte[]> deadRejected = probe.await("ares.rollout.requests.dlq",
                    r -> rejectedGid.equals(r.key()), WAIT);
            assertEquals("prompt rejected by the engine", TopicProbe.header(deadRejected, "dead-letter-reason"));

            probe.await("ares.rollouts", r -> Codecs.rolloutGroup().decode(r.value()).groupId().equals(okGid), WAIT);
        }
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("ares_process_seconds_count{channel=\"requests\""));
    }

    /**
     * Requests sent together are generated in shared batches (the test profile waits 1 s for more), each is
     * published once, and the rollout meters count them: 4 groups of 3 trajectories of 8 tokens, no branches.
     */
    @Test
    void requestsSentTogetherShareAGenerationBatchAndAreMetered() {
        double groups0 = metric("ares_rollout_groups_total");
        double tokens0 = metric("ares_rollout_tokens_total");
        double branches0 = metric("ares_rollout_branches_count");
        String prefix = "batch-" + UUID.randomUUID() + "-";
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("linger.ms", "50");
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(props,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (int i = 0; i < 4; i++) {                                           // one produce batch, one poll
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("ares.rollout.requests", prefix + i,
                        Codecs.rolloutRequest().encode(Records.request(prefix + i, 5, 3))));
            }
            producer.flush();
        }
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            for (int i = 0; i < 4; i++) {
                String gid = prefix + i;
                probe.await("ares.rollouts", r -> Codecs.rolloutGroup().decode(r.value()).groupId().equals(gid), WAIT);
            }
        }
        int largest = 0;
        int seen = 0;
        for (java.util.List<String> batch : engine.batches) {
            long mine = batch.stream().filter(g -> g.startsWith(prefix)).count();
            seen += (int) mine;
            largest = Math.max(largest, (int) mine);
        }
        assertEquals(4, seen, "each request generated once: " + engine.batches);
        assertTrue(largest > 1, "requests of one poll share a batch: " + engine.batches);
        assertEquals(4, metric("ares_rollout_groups_total") - groups0, 1e-9);
        assertEquals(4 * 3 * 8, metric("ares_rollout_tokens_total") - tokens0, 1e-9);
        assertEquals(4, metric("ares_rollout_branches_count") - branches0, 1e-9);
        assertEquals(-1, metric("ares_rollout_policy_version"), 1e-9, "no policy loaded in this test");
    }

    /** The value of an untagged meter in the Prometheus scrape (0 when it is not there yet). */
    private static double metric(String name) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void checkpointEventsReachTheEngine() {
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            long version = 1000 + (System.nanoTime() & 0xffff);
            probe.send("ares.checkpoints", "ares-demo", Codecs.checkpointEvent().encode(Records.checkpoint(version)));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (engine.lastCheckpoint.get() < version && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            assertEquals(version, engine.lastCheckpoint.get());
        }
    }

    @Test
    void healthTellsTheTruth() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        engine.ready = false;
        try {
            given().get("/q/health/ready").then().statusCode(503)
                    .body(containsString("no model loaded: test says so"));
        } finally {
            engine.ready = true;
        }
        given().get("/q/health/ready").then().statusCode(200);
    }
}
