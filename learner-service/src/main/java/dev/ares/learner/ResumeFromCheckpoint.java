package dev.ares.learner;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * On partition assignment of {@code ares.scored}, seeks to the offset recorded in the learner's latest
 * checkpoint (architecture.md §4 step 4): the checkpoint, not the consumer group, is the source of truth.
 */
@ApplicationScoped
@Identifier("learner-resume")
public class ResumeFromCheckpoint implements KafkaConsumerRebalanceListener {
    private static final Logger LOG = Logger.getLogger(ResumeFromCheckpoint.class);

    @Inject
    LoopReadiness loop;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
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
