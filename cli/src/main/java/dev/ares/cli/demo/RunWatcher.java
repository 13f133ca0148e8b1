package dev.ares.cli.demo;

import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RecordFormatException;
import dev.ares.core.protocol.TrainEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows one training run from the outside, as an operator's tool would: reads {@code ares.train.events}
 * (key = run id) and {@code ares.checkpoints} from their beginning without joining a consumer group (no
 * offsets committed, nothing taken from the services). In: the bootstrap address and the run id. Out: the
 * run's train events in step order (a step seen twice, e.g. replayed after a learner restart, keeps its
 * last event) and the newest checkpoint announced after the run started.
 */
public final class RunWatcher implements AutoCloseable {
    static final String TRAIN_EVENTS = "ares.train.events";
    static final String CHECKPOINTS = "ares.checkpoints";

    private final KafkaConsumer<String, byte[]> consumer;
    private final String runId;
    private final TreeMap<Long, TrainEvent> steps = new TreeMap<>();
    private CheckpointEvent latestCheckpoint;
    private int undecodable;

    /**
     * @param bootstrap broker address
     * @param runId     the run to follow; events of other runs on the same topic are skipped
     */
    public RunWatcher(String bootstrap, String runId) {
        this.runId = runId;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ares-demo-watch");
        this.consumer = new KafkaConsumer<>(p);
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : List.of(TRAIN_EVENTS, CHECKPOINTS)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /**
     * Polls once and hands every new step of the run to {@code onStep} in arrival order.
     *
     * @param wait longest time to block when nothing is there
     */
    public void poll(Duration wait, Consumer<TrainEvent> onStep) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            try {
                if (r.topic().equals(TRAIN_EVENTS)) {
                    TrainEvent e = Codecs.trainEvent().decode(r.value());
                    if (e.runId().equals(runId)) {
                        steps.put(e.step(), e);
                        onStep.accept(e);
                    }
                } else {
                    CheckpointEvent c = Codecs.checkpointEvent().decode(r.value());
                    if (c.uri().contains(runId) && (latestCheckpoint == null || c.version() >= latestCheckpoint.version())) {
                        latestCheckpoint = c;
                    }
                }
            } catch (RecordFormatException e) {
                undecodable++;
            }
        }
    }

    /** The run's steps so far, in step order. */
    public List<TrainEvent> steps() {
        return List.copyOf(steps.values());
    }

    /** The newest checkpoint of this run announced so far (its URI lies under the run's directory). */
    public Optional<CheckpointEvent> latestCheckpoint() {
        return Optional.ofNullable(latestCheckpoint);
    }

    /** Records on the two topics that did not decode (they are skipped; the services dead-letter such records). */
    public int undecodable() {
        return undecodable;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
