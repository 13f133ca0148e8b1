package dev.ares.reward;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.testkit.BadRollouts;
import dev.ares.testkit.LocalKafkaResource;
import dev.ares.testkit.Records;
import dev.ares.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 4, the service part (tier Q, on the real local broker the reward service's tests share):
 * the five malformed rollout groups of {@link BadRollouts} each land in {@code ares.rollouts.dlq} with the original
 * bytes and the reason and source coordinates in headers; {@code ares_records_dlq_total{reason}} grows by exactly
 * the expected count per reason; the consumer group's committed offset moves past them; a following valid step is
 * processed; liveness and readiness stay UP.
 */
@QuarkusTest
@WithTestResource(LocalKafkaResource.class)
class Scenario04DeadLetterServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern DLQ_LINE =
            Pattern.compile("^ares_records_dlq_total\\{([^}]*)\\} ([0-9.eE+-]+)$", Pattern.MULTILINE);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** ares_records_dlq_total for topic ares.rollouts, by reason tag, from /q/metrics. */
    private static Map<String, Double> dlqCounts() {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> out = new HashMap<>();
        Matcher m = DLQ_LINE.matcher(text);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("topic=\"ares.rollouts\"")) {
                Matcher r = Pattern.compile("reason=\"([a-z_]+)\"").matcher(labels);
                assertTrue(r.find(), labels);
                out.merge(r.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return out;
    }

    @Test
    void malformedGroupsAreDeadLetteredCountedAndPassedOver() throws Exception {
        long step = 300_000 + (System.nanoTime() & 0xfffff);
        RolloutRequest req = Records.request("run-s4", "s4-" + step, step, 2, 2);
        Map<String, BadRollouts.Bad> bad = BadRollouts.from(Records.group(req, 4, 7));
        Map<String, Double> before = dlqCounts();

        String tag = UUID.randomUUID().toString();
        Map<String, Long> offsets = new HashMap<>();
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            for (BadRollouts.Bad b : bad.values()) {
                probe.send("ares.rollouts", "s4-" + b.label() + "-" + tag, b.bytes());
            }
            for (String gid : new String[] {"ok1-" + step, "ok2-" + step}) {
                RolloutGroup g = Records.group(Records.request("run-s4", gid, step, 2, 2), 4, 11);
                probe.send("ares.rollouts", Long.toString(step), Codecs.rolloutGroup().encode(g));
            }

            for (BadRollouts.Bad b : bad.values()) {
                String key = "s4-" + b.label() + "-" + tag;
                ConsumerRecord<String, byte[]> dead = probe.await("ares.rollouts.dlq", r -> key.equals(r.key()), WAIT);
                assertArrayEquals(b.bytes(), dead.value(), b.label() + ": original bytes kept");
                assertEquals("ares.rollouts", TopicProbe.header(dead, "dead-letter-topic"));
                assertEquals("0", TopicProbe.header(dead, "dead-letter-partition"));
                String offset = TopicProbe.header(dead, "dead-letter-offset");
                assertNotNull(offset, b.label());
                offsets.put(b.label(), Long.parseLong(offset));
                String reason = TopicProbe.header(dead, "dead-letter-reason");
                assertTrue(reason != null && reason.contains(b.messageFragment()), b.label() + ": " + reason);
            }
            ScoredBatch batch = Codecs.scoredBatch().decode(
                    probe.await("ares.scored", r -> Long.toString(step).equals(r.key()), WAIT).value());
            assertEquals(Set.of("ok1-" + step, "ok2-" + step),
                    batch.groups().stream().map(g -> g.groupId()).collect(Collectors.toSet()));
            assertFalse(batch.partial());
        }

        Map<String, Long> expectedDelta = bad.values().stream()
                .collect(Collectors.groupingBy(BadRollouts.Bad::expectedReasonTag, Collectors.counting()));
        assertEquals(Map.of("malformed", 1L, "unknown_version", 1L, "invalid_field", 3L), expectedDelta);
        Map<String, Double> after = dlqCounts();
        for (Map.Entry<String, Long> e : expectedDelta.entrySet()) {
            assertEquals(e.getValue().doubleValue(), after.getOrDefault(e.getKey(), 0.0) - before.getOrDefault(e.getKey(), 0.0),
                    "ares_records_dlq_total{reason=" + e.getKey() + "} delta; before " + before + ", after " + after);
        }

        long lastBad = offsets.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        awaitCommittedBeyond(lastBad);
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private void awaitCommittedBeyond(long offset) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            TopicPartition tp = new TopicPartition("ares.rollouts", 0);
            long deadline = System.nanoTime() + WAIT.toNanos();
            long committed = -1;
            while (System.nanoTime() < deadline) {
                OffsetAndMetadata om = admin.listConsumerGroupOffsets("ares-reward").partitionsToOffsetAndMetadata()
                        .get().get(tp);
                committed = om == null ? -1 : om.offset();
                if (committed > offset) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new AssertionError("committed offset of ares-reward on ares.rollouts stayed at " + committed
                    + ", not past the last malformed record at " + offset);
        }
    }
}
