package dev.ares.learner;

import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.model.learner.StaleSink;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Where a learner with {@code ares.learner.stale-policy=divert} sends over-stale groups (reliability.md scenario 6):
 * a {@link ScoredBatch} holding only the stale groups of the consumed batch, on channel {@code stale-groups}
 * ({@code ares.scored.dlq} by default, next to the batches that could not be processed), keyed by step, with the
 * dead-letter headers {@code dead-letter-reason: stale} and {@code dead-letter-topic: ares.scored} so operators
 * tell them apart. Delivery is at least once (a crash before the next checkpoint repeats the batch); readers dedupe by
 * group id.
 */
@ApplicationScoped
public class StaleGroupPublisher implements StaleSink {

    @Inject
    @Channel("stale-groups")
    MutinyEmitter<byte[]> emitter;

    @Override
    public void divert(ScoredBatch stale) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", "stale".getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", "ares.scored".getBytes(StandardCharsets.UTF_8));
        headers.add("ares-run", stale.runId().getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(Long.toString(stale.step())).withHeaders(headers).build();
        emitter.sendMessageAndAwait(Message.of(Codecs.scoredBatch().encode(stale)).addMetadata(meta));
    }
}
