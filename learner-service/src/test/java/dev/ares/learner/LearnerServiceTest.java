package dev.ares.learner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.testkit.LocalKafkaResource;
import dev.ares.testkit.Records;
import dev.ares.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** learner-service against the real local broker, with a test double for the training loop. */
@QuarkusTest
@WithTestResource(LocalKafkaResource.class)
class LearnerServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    FakeLearnerLoop loop;

    @Test
    void scoredBatchBecomesTrainEventAndCheckpoint() {
        long step = 2 * (50_000 + (System.nanoTime() & 0xffff));
        String run = "run-" + UUID.randomUUID();
        ScoredBatch batch = Records.batch(step, List.of(Records.group(Records.request(run, "g-" + step, step, 3), 5, 2)));
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            probe.send("ares.scored", Long.toString(step), Codecs.scoredBatch().encode(batch));
            ConsumerRecord<String, byte[]> ev = probe.await("ares.train.events", r -> run.equals(r.key()), WAIT);
            TrainEvent event = Codecs.trainEvent().decode(ev.value());
            assertEquals(step, event.step());
            assertEquals(3.0, event.metrics().get("trajectories"));
            ConsumerRecord<String, byte[]> ck = probe.await("ares.checkpoints",
                    r -> Codecs.checkpointEvent().decode(r.value()).version() == step, WAIT);
            CheckpointEvent c = Codecs.checkpointEvent().decode(ck.value());
            assertEquals("ares-demo", ck.key());
            assertEquals(step, c.step());
        }
    }

    @Test
    void scheduledRequestsArePublished() {
        String gid = "sched-" + UUID.randomUUID();
        loop.toSchedule.add(Records.request(gid, 3, 2));
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            ConsumerRecord<String, byte[]> r = probe.await("ares.rollout.requests", rec -> gid.equals(rec.key()), WAIT);
            assertEquals(gid, Codecs.rolloutRequest().decode(r.value()).groupId());
        }
    }

    @Test
    void malformedAndRejectedBatchesAreDeadLetteredAndConsumptionGoesOn() {
        String marker = "garbage-" + UUID.randomUUID();
        long step = 2 * (60_000 + (System.nanoTime() & 0xffff)) + 1;
        String run = "run-" + UUID.randomUUID();
        ScoredBatch rejected = Records.batch(step, List.of(Records.group(Records.request("reject", "h-" + step, step, 2), 3, 3)));
        ScoredBatch good = Records.batch(step, List.of(Records.group(Records.request(run, "h-" + step, step, 2), 3, 3)));
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            probe.send("ares.scored", "x", marker.getBytes(StandardCharsets.UTF_8));
            probe.send("ares.scored", "rej-" + step, Codecs.scoredBatch().encode(rejected));
            probe.send("ares.scored", Long.toString(step), Codecs.scoredBatch().encode(good));
            ConsumerRecord<String, byte[]> dead = probe.await("ares.scored.dlq",
                    r -> new String(r.value(), StandardCharsets.UTF_8).equals(marker), WAIT);
            assertArrayEquals(marker.getBytes(StandardCharsets.UTF_8), dead.value());
            assertEquals("ares.scored", TopicProbe.header(dead, "dead-letter-topic"));
            ConsumerRecord<String, byte[]> rej = probe.await("ares.scored.dlq", r -> ("rej-" + step).equals(r.key()), WAIT);
            assertEquals("batch of run reject is inconsistent", TopicProbe.header(rej, "dead-letter-reason"));
            probe.await("ares.train.events", r -> run.equals(r.key()), WAIT);
        }
        given().get("/q/metrics").then().statusCode(200).body(containsString("ares_process_seconds_count{channel=\"scored\""));
    }

    @Test
    void healthIsUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body(containsString("learner-loop"));
    }
}
