package dev.ares.learner;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * On partition assignment of {@code ares.scored}, seeks to the offset recorded in the learner's latest
 * checkpoint (architecture.md §4 step 4): the checkpoint, not the consumer group, is the source of truth. Counts
 * assignments and revocations, so a test can tell that no consumer-group rebalance happened (reliability.md
 * scenario 15).
 */
@ApplicationScoped
@Identifier("learner-resume")
public class ResumeFromCheckpoint implements KafkaConsumerRebalanceListener {
    private static final Logger LOG = Logger.getLogger(ResumeFromCheckpoint.class);

    @Inject
    LoopReadiness loop;

    private final AtomicInteger assignments = new AtomicInteger();
    private final AtomicInteger revocations = new AtomicInteger();

    /** Partition assignments of {@code ares.scored} seen by this instance (one per rebalance that assigns). */
    public int assignments() {
        return assignments.get();
    }

    /** Partition revocations (or losses) seen by this instance. */
    public int revocations() {
        return revocations.get();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        revocations.incrementAndGet();
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        revocations.incrementAndGet();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assignments.incrementAndGet();
        if (loop.present().isEmpty()) {
            return;
        }
        for (TopicPartition tp : partitions) {
            OptionalLong offset = loop.present().get().resumeOffset(tp.partition());
            if (offset.isPresent()) {
                LOG.infof("resuming %s at offset %d from the latest checkpoint", tp, offset.getAsLong());
                consumer.seek(tp, offset.getAsLong());
            }
        }
    }
}
