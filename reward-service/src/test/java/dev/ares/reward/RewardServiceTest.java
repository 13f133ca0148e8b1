package dev.ares.reward;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.testkit.LocalKafkaResource;
import dev.ares.testkit.Records;
import dev.ares.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** reward-service against the real local broker, with a test double for scoring. */
@QuarkusTest
@WithTestResource(LocalKafkaResource.class)
class RewardServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    FakeStepScorer scorer;

    private static long uniqueStep() {
        return 100_000 + (System.nanoTime() & 0xfffff);
    }

    private static RolloutGroup group(String gid, long step, String source) {
        RolloutRequest r = Records.request("run-test", gid, step, 2, 2);
        RolloutGroup g = Records.group(r, 4, 1);
        return new RolloutGroup(g.runId(), g.step(), g.groupsInStep(), g.groupId(), g.requestId(), g.referenceAnswer(), source, g.sampling(),
                g.promptTokenIds(), g.trajectories());
    }

    @Test
    void groupsOfAStepBecomeOneBatch() {
        long step = uniqueStep();
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            probe.send("ares.rollouts", Long.toString(step), Codecs.rolloutGroup().encode(group("a-" + step, step, "addition")));
            probe.send("ares.rollouts", Long.toString(step), Codecs.rolloutGroup().encode(group("b-" + step, step, "addition")));
            ConsumerRecord<String, byte[]> out = probe.await("ares.scored", r -> Long.toString(step).equals(r.key()), WAIT);
            ScoredBatch batch = Codecs.scoredBatch().decode(out.value());
            Set<String> ids = batch.groups().stream().map(g -> g.groupId()).collect(Collectors.toSet());
            assertEquals(Set.of("a-" + step, "b-" + step), ids);
            assertFalse(batch.partial());
        }
    }

    @Test
    void stragglersAreFlushedAsAPartialBatch() {
        long step = uniqueStep();
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            probe.send("ares.rollouts", Long.toString(step), Codecs.rolloutGroup().encode(group("lone-" + step, step, "addition")));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!scorer.openSteps().contains(step) && System.nanoTime() < deadline) {
                sleep(50);
            }
            scorer.expireStep(step);
            ConsumerRecord<String, byte[]> out = probe.await("ares.scored", r -> Long.toString(step).equals(r.key()), WAIT);
            assertTrue(Codecs.scoredBatch().decode(out.value()).partial());
        }
    }

    @Test
    void malformedAndInconsistentGroupsAreDeadLetteredAndConsumptionGoesOn() {
        long step = uniqueStep();
        String marker = "garbage-" + UUID.randomUUID();
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            probe.send("ares.rollouts", "x", marker.getBytes(StandardCharsets.UTF_8));
            probe.send("ares.rollouts", "rej-" + step, Codecs.rolloutGroup().encode(group("rej-" + step, step, "reject")));
            probe.send("ares.rollouts", Long.toString(step), Codecs.rolloutGroup().encode(group("c-" + step, step, "addition")));
            probe.send("ares.rollouts", Long.toString(step), Codecs.rolloutGroup().encode(group("d-" + step, step, "addition")));

            ConsumerRecord<String, byte[]> dead = probe.await("ares.rollouts.dlq",
                    r -> new String(r.value(), StandardCharsets.UTF_8).equals(marker), WAIT);
            assertArrayEquals(marker.getBytes(StandardCharsets.UTF_8), dead.value());
            assertEquals("ares.rollouts", TopicProbe.header(dead, "dead-letter-topic"));
            ConsumerRecord<String, byte[]> rejected = probe.await("ares.rollouts.dlq", r -> ("rej-" + step).equals(r.key()), WAIT);
            assertTrue(TopicProbe.header(rejected, "dead-letter-reason").contains("inconsistent"));
            probe.await("ares.scored", r -> Long.toString(step).equals(r.key()), WAIT);
        }
        given().get("/q/metrics").then().statusCode(200).body(containsString("ares_process_seconds_count{channel=\"rollouts\""));
    }

    @Test
    void healthIsUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body(containsString("step-scorer"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
