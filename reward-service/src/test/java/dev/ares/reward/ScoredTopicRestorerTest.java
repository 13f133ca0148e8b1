package dev.ares.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.scoring.AepoStepScorer;
import dev.ares.testkit.Records;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** {@link ScoredTopicRestorer} against Kafka's {@link MockConsumer}: which record it reads and what it makes of it. */
class ScoredTopicRestorerTest {
    private static final String TOPIC = "ares.scored";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A mock topic of one partition holding {@code values} at offsets {@code first ..}. */
    private static MockConsumer<String, byte[]> topic(int partitions, long first, List<byte[]> values) {
        MockConsumer<String, byte[]> c = new MockConsumer<>("earliest");
        Node node = new Node(0, "localhost", 9092);
        Node[] nodes = {node};
        List<PartitionInfo> infos = new java.util.ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new PartitionInfo(TOPIC, p, node, nodes, nodes));
        }
        c.updatePartitions(TOPIC, infos);
        c.updateBeginningOffsets(Map.of(TP, first));
        c.updateEndOffsets(Map.of(TP, first + values.size()));
        c.schedulePollTask(() -> {
            for (int i = 0; i < values.size(); i++) {
                c.addRecord(new ConsumerRecord<>(TOPIC, 0, first + i, Long.toString(first + i), values.get(i)));
            }
        });
        return c;
    }

    private static Optional<AepoStepScorer.Resume> restore(MockConsumer<String, byte[]> c) {
        return new ScoredTopicRestorer(() -> c, TOPIC, TIMEOUT).lastResume();
    }

    @Test
    void theLastRecordGivesTheStateAfterItsStep() {
        AepoStepScorer scorer = ScoredBatches.freshScorer();
        List<ScoredBatch> batches = ScoredBatches.score(scorer, "run-r", 3, 2);
        assertEquals(3, batches.size());
        List<byte[]> values = batches.stream().map(b -> Codecs.scoredBatch().encode(b)).toList();
        AepoStepScorer.Resume resume = restore(topic(1, 40, values)).orElseThrow();
        assertEquals("run-r", resume.runId());
        assertEquals(2, resume.step());
        assertEquals(scorer.state("run-r"), resume.state());
        assertEquals(3, resume.state().step());
    }

    @Test
    void anEmptyOrMissingTopicGivesTheInitialState() {
        assertEquals(Optional.empty(), restore(topic(1, 17, List.of())));
        MockConsumer<String, byte[]> none = new MockConsumer<>("earliest");
        assertEquals(Optional.empty(), restore(none));
    }

    @Test
    void anUnreadableLastRecordGivesTheInitialState() {
        AepoStepScorer scorer = ScoredBatches.freshScorer();
        byte[] good = Codecs.scoredBatch().encode(ScoredBatches.score(scorer, "run-b", 1, 1).get(0));
        byte[] garbage = "not a scored batch".getBytes(StandardCharsets.UTF_8);
        assertEquals(Optional.empty(), restore(topic(1, 0, List.of(good, garbage))));
        // a valid batch whose controller state is not ours (the test double's empty map)
        byte[] foreign = Codecs.scoredBatch().encode(Records.batch(4, List.of(Records.group(
                Records.request("g", 4, 2), 4, 1))));
        assertEquals(Optional.empty(), restore(topic(1, 0, List.of(good, foreign))));
        assertEquals(Optional.empty(), restore(topic(1, 0, java.util.Arrays.asList(good, null))));
        // and the good record alone is restored
        assertTrue(restore(topic(1, 0, List.of(good))).isPresent());
    }

    @Test
    void aTopicOfSeveralPartitionsIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> restore(topic(3, 0, List.of())));
        assertTrue(e.getMessage().contains("ares.scored has 3 partitions"), e.getMessage());
    }
}
