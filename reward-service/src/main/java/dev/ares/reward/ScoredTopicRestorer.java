package dev.ares.reward;

import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RecordFormatException;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.scoring.AepoStepScorer;
import dev.ares.core.scoring.ControllerStateFormatException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Finds where the scorer continues from (architecture.md §4 step 3: a restarted or standby scorer continues from
 * the persisted controller state): the last record of the single partition of {@code ares.scored}, read with a
 * short-lived consumer that assigns the partition (no consumer group), seeks to end − 1 and polls it.
 *
 * <p>Outcomes: an empty (or not yet created) topic gives no resume point (initial state); a last record that does not
 * decode, or whose controller state cannot be read, gives no resume point and a WARN naming the topic, partition
 * and offset; a topic with more than one partition, or a broker that does not answer within the timeout, is an
 * {@link IllegalStateException} (the scorer is then not created and the next use tries again).
 */
final class ScoredTopicRestorer {
    private static final Logger LOG = Logger.getLogger(ScoredTopicRestorer.class);
    private static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String topic;
    private final Duration timeout;

    /**
     * @param consumers makes the consumer to read with (closed after use)
     * @param topic     the scored topic
     * @param timeout   how long the broker may take to answer
     */
    ScoredTopicRestorer(Supplier<Consumer<String, byte[]>> consumers, String topic, Duration timeout) {
        this.consumers = consumers;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** A restorer reading from the broker at {@code bootstrap}. */
    static ScoredTopicRestorer forBroker(String bootstrap, String topic, Duration timeout) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "ares-reward-restore",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_RECORD_BYTES,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_RECORD_BYTES,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        return new ScoredTopicRestorer(
                () -> new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer()), topic, timeout);
    }

    /**
     * @return the resume point of the last published batch, or empty for the initial state
     * @throws IllegalStateException when the topic has several partitions or the broker does not answer in time
     */
    Optional<AepoStepScorer.Resume> lastResume() {
        try (Consumer<String, byte[]> consumer = consumers.get()) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                LOG.infof("%s does not exist yet: the scorer starts from the initial controller state", topic);
                return Optional.empty();
            }
            if (partitions.size() != 1) {
                throw new IllegalStateException(topic + " has " + partitions.size() + " partitions; the reward service"
                        + " persists its controller state in a single-partition topic (one active scorer per run)");
            }
            TopicPartition tp = new TopicPartition(topic, partitions.get(0).partition());
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
            long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
            if (end <= begin) {
                LOG.infof("%s is empty: the scorer starts from the initial controller state", tp);
                return Optional.empty();
            }
            long offset = end - 1;
            consumer.seek(tp, offset);
            ConsumerRecord<String, byte[]> last = poll(consumer, tp, offset, end);
            if (last == null) {
                LOG.warnf("%s offset %d holds no data record: the scorer starts from the initial controller state",
                        tp, offset);
                return Optional.empty();
            }
            return resumeFrom(last);
        }
    }

    private ConsumerRecord<String, byte[]> poll(Consumer<String, byte[]> consumer, TopicPartition tp, long offset,
                                                long end) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ConsumerRecord<String, byte[]> found = null;
        while (found == null && consumer.position(tp, timeout) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no answer from the broker within " + timeout + " while reading " + tp
                        + " offset " + offset + " for the scorer's controller state");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                if (r.offset() == offset) {
                    found = r;
                }
            }
        }
        return found;
    }

    private static Optional<AepoStepScorer.Resume> resumeFrom(ConsumerRecord<String, byte[]> r) {
        String where = r.topic() + "-" + r.partition() + " offset " + r.offset();
        if (r.value() == null) {
            LOG.warnf("%s is a tombstone, not a scored batch: the scorer starts from the initial controller state",
                    where);
            return Optional.empty();
        }
        try {
            ScoredBatch batch = Codecs.scoredBatch().decode(r.value());
            AepoStepScorer.Resume resume = AepoStepScorer.Resume.from(batch);
            LOG.infof("controller state restored from %s: run %s step %d", where, resume.runId(), resume.step());
            return Optional.of(resume);
        } catch (RecordFormatException | ControllerStateFormatException e) {
            LOG.warnf("%s cannot be restored (%s): the scorer starts from the initial controller state", where,
                    e.getMessage());
            return Optional.empty();
        }
    }
}
