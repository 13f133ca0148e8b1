package dev.ares.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.scoring.AepoStepScorer;
import dev.ares.testkit.KafkaBrokerExtension;
import dev.ares.testkit.TopicProbe;
import dev.ares.testkit.WithLocalKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * {@link ScoredTopicRestorer} with a real {@code KafkaConsumer} on the shared local broker: a standby scorer made
 * from the last record of a scored topic continues exactly like the scorer that published it.
 */
@WithLocalKafka
class ScoredTopicRestorerBrokerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static String topic(int partitions) throws Exception {
        String name = "test.scored." + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBrokerExtension.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)
                    .configs(Map.of("max.message.bytes", Integer.toString(16 * 1024 * 1024))))).all().get();
        }
        return name;
    }

    private static Optional<AepoStepScorer.Resume> restore(String topic) {
        return ScoredTopicRestorer.forBroker(KafkaBrokerExtension.bootstrapServers(), topic, TIMEOUT).lastResume();
    }

    @Test
    void aStandbyRestoredFromTheTopicContinuesLikeThePublisher() throws Exception {
        String topic = topic(1);
        assertEquals(Optional.empty(), restore(topic), "empty topic: initial state");

        AepoStepScorer active = ScoredBatches.freshScorer();
        List<ScoredBatch> published = ScoredBatches.score(active, "run-b", 2, 3);
        try (TopicProbe probe = new TopicProbe(KafkaBrokerExtension.bootstrapServers())) {
            for (ScoredBatch b : published) {
                probe.send(topic, Long.toString(b.step()), Codecs.scoredBatch().encode(b));
            }
        }
        AepoStepScorer.Resume resume = restore(topic).orElseThrow();
        assertEquals(1, resume.step());
        assertEquals(active.state("run-b"), resume.state());

        AepoStepScorer standby = new AepoStepScorer(active.config(), Duration.ofSeconds(60), System::currentTimeMillis,
                resume);
        // re-delivered groups of the published step are late; the next step comes out identical
        assertEquals(List.of(), ScoredBatches.scoreStep(standby, "run-b", 1, 3));
        assertEquals(3, standby.droppedLate());
        List<ScoredBatch> next = ScoredBatches.scoreStep(active, "run-b", 2, 3);
        assertEquals(1, next.size());
        assertEquals(next, ScoredBatches.scoreStep(standby, "run-b", 2, 3));

        try (TopicProbe probe = new TopicProbe(KafkaBrokerExtension.bootstrapServers())) {
            probe.send(topic, "x", "garbage".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(Optional.empty(), restore(topic), "unreadable last record: initial state");
    }

    @Test
    void aPartitionedTopicIsRefused() throws Exception {
        String topic = topic(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> restore(topic));
        assertTrue(e.getMessage().contains("has 2 partitions"), e.getMessage());
    }
}
