package dev.ares.support;

import dev.ares.core.protocol.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
 * Counts every record a channel with {@code failure-strategy=dead-letter-queue} dead-letters, as
 * {@code ares.records.dlq{topic, reason}} (Prometheus {@code ares_records_dlq_total}; reliability.md scenario 4),
 * with the reason classified by {@link DeadLetterReason#of} from the error the record was nacked with. A CDI
 * decorator of SmallRye's failure-handler factories, so every consumer of the four services is counted without
 * touching its code or configuration; handlers of other strategies pass through unchanged. Every
 * {@link DeadLetterReason} of a channel's topic is registered at 0 when the channel starts. One WARN line per
 * dead-lettered record names the topic, partition, offset and reason.
 */
@Decorator
@Priority(10)
public abstract class DeadLetterMetrics implements KafkaFailureHandler.Factory {
    private static final Logger LOG = Logger.getLogger(DeadLetterMetrics.class);

    @Inject
    @Delegate
    @Any
    KafkaFailureHandler.Factory delegate;

    @Inject
    MeterRegistry registry;

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, io.vertx.mutiny.core.Vertx vertx,
                                      KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
        KafkaFailureHandler handler = delegate.create(config, vertx, consumer, reportFailure);
        if (!KafkaFailureHandler.Strategy.DEAD_LETTER_QUEUE.equals(config.getFailureStrategy())) {
            return handler;
        }
        String channel = config.getChannel();
        MeterRegistry meters = registry;
        // every reason of the channel's topic starts at 0, so a fresh service exports the series (issue 9)
        if (config.getTopics().isEmpty() && !config.getPattern()) {
            String topic = config.getTopic().orElse(channel);
            for (DeadLetterReason why : DeadLetterReason.values()) {
                counter(meters, topic, why);
            }
        }
        return new KafkaFailureHandler() {
            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                DeadLetterReason why = DeadLetterReason.of(reason);
                counter(meters, record.getTopic(), why).increment();
                LOG.warnf("dead-lettering %s-%d@%d (channel %s) as %s: %s", record.getTopic(), record.getPartition(),
                        record.getOffset(), channel, why.tag(), reason == null ? "" : reason.getMessage());
                return handler.handle(record, reason, metadata);
            }

            @Override
            public void terminate() {
                handler.terminate();
            }
        };
    }

    private static Counter counter(MeterRegistry meters, String topic, DeadLetterReason why) {
        return Counter.builder("ares.records.dlq").tag("topic", topic).tag("reason", why.tag())
                .description("Records sent to <topic>.dlq, by source topic and reason").register(meters);
    }
}
