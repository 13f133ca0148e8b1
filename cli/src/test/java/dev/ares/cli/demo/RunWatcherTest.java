package dev.ares.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.CheckpointKind;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.testkit.KafkaBrokerExtension;
import dev.ares.testkit.WithLocalKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** RunWatcher on the real local broker: only its run, step order, replays collapse, bad records skipped. */
@WithLocalKafka
class RunWatcherTest {

    @Test
    void followsOneRunThroughReplaysAndForeignRecords() throws Exception {
        String run = "demo-" + UUID.randomUUID();
        String other = "demo-" + UUID.randomUUID();
        String bs = KafkaBrokerExtension.bootstrapServers();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (long step : new long[] {0, 1, 1, 2}) {   // step 1 replayed (learner restarted before its checkpoint)
                producer.send(new ProducerRecord<>(RunWatcher.TRAIN_EVENTS, run, Codecs.trainEvent().encode(
                        new TrainEvent(run, step, Map.of("reward/mean", step + 0.5), Instant.now()))));
            }
            producer.send(new ProducerRecord<>(RunWatcher.TRAIN_EVENTS, other, Codecs.trainEvent().encode(
                    new TrainEvent(other, 7, Map.of(), Instant.now()))));
            producer.send(new ProducerRecord<>(RunWatcher.TRAIN_EVENTS, run, "not json".getBytes()));
            producer.send(new ProducerRecord<>(RunWatcher.CHECKPOINTS, "ares-policy", Codecs.checkpointEvent().encode(
                    checkpoint(3, 2, "file:///ckpt/" + run + "/v000003/"))));
            producer.send(new ProducerRecord<>(RunWatcher.CHECKPOINTS, "ares-policy", Codecs.checkpointEvent().encode(
                    checkpoint(9, 9, "file:///ckpt/" + other + "/v000009/"))));
            producer.flush();
        }
        try (RunWatcher w = new RunWatcher(bs, run)) {
            List<Long> delivered = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((w.steps().size() < 3 || w.latestCheckpoint().isEmpty() || w.undecodable() < 1)
                    && System.nanoTime() < deadline) {
                w.poll(Duration.ofMillis(500), e -> delivered.add(e.step()));
            }
            assertEquals(List.of(0L, 1L, 2L), w.steps().stream().map(TrainEvent::step).toList());
            assertEquals(List.of(0L, 1L, 1L, 2L), delivered, "every arrival is shown live");
            assertEquals(2.5, w.steps().get(2).metrics().get("reward/mean"));
            assertEquals(3, w.latestCheckpoint().orElseThrow().version(), "the other run's checkpoint is not ours");
            assertTrue(w.undecodable() >= 1);
        }
    }

    private static CheckpointEvent checkpoint(long version, long step, String uri) {
        return new CheckpointEvent(CheckpointEvent.SCHEMA_VERSION, "ares-policy", version, step, uri, CheckpointKind.FULL,
                null, "0".repeat(64), Map.of());
    }
}
