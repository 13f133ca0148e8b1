package dev.ares.support;

import dev.ares.core.compute.AbandonedWork;
import dev.ares.core.protocol.DeadLetterReason;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Keeps a stopping service from dead-lettering work it merely did not finish (reliability.md scenario 17). A record
 * whose processing failed with {@link AbandonedWork}, or failed with a processing error (not a problem of the record
 * itself, see {@link DeadLetterReason#of}) after shutdown began, is neither sent to {@code <topic>.dlq} nor
 * acknowledged: its offset stays uncommitted and the record is delivered again after the restart (the duplicates
 * this may cause are removed downstream by group and trajectory id). Every other failure goes on to the channel's
 * dead-letter handler ({@link DeadLetterMetrics} counts it). A CDI decorator of SmallRye's failure-handler factories
 * for channels with {@code failure-strategy=dead-letter-queue}, outside {@link DeadLetterMetrics} (lower priority
 * value), so an abandoned record is not counted as dead-lettered.
 */
@Decorator
@Priority(5)
public abstract class ShutdownAbandon implements KafkaFailureHandler.Factory {
    private static final Logger LOG = Logger.getLogger(ShutdownAbandon.class);

    @Inject
    @Delegate
    @Any
    KafkaFailureHandler.Factory delegate;

    @Inject
    ServiceStopping service;

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, io.vertx.mutiny.core.Vertx vertx,
                                      KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
        KafkaFailureHandler handler = delegate.create(config, vertx, consumer, reportFailure);
        if (!KafkaFailureHandler.Strategy.DEAD_LETTER_QUEUE.equals(config.getFailureStrategy())) {
            return handler;
        }
        String channel = config.getChannel();
        ServiceStopping stopping = service;
        return new KafkaFailureHandler() {
            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                if (abandoned(reason, stopping.stopping())) {
                    LOG.infof("abandoning %s-%d@%d (channel %s) at shutdown, unacknowledged: it is delivered again after"
                            + " the restart (%s)", record.getTopic(), record.getPartition(), record.getOffset(), channel,
                            reason == null ? "" : reason.getMessage());
                    return Uni.createFrom().voidItem();
                }
                return handler.handle(record, reason, metadata);
            }

            @Override
            public void terminate() {
                handler.terminate();
            }
        };
    }

    /**
     * The rule: abandoned when the error says so ({@link AbandonedWork} in its cause chain), or when the service is
     * stopping and the error is not about the record ({@link DeadLetterReason#PROCESSING_ERROR}).
     */
    static boolean abandoned(Throwable reason, boolean stopping) {
        return AbandonedWork.in(reason) || (stopping && DeadLetterReason.of(reason) == DeadLetterReason.PROCESSING_ERROR);
    }
}
