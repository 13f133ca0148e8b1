package dev.ares.learner;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.ReadinessWait;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.ScoredBatch;
import io.micrometer.core.annotation.Timed;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * {@code ares.scored} -> {@link LearnerLoop#train} -> {@code ares.train.events} and, when the step wrote one,
 * {@code ares.checkpoints}; then tops up {@code ares.rollout.requests} within the staleness bound.
 *
 * <p>Acknowledgement follows durability (reliability.md scenario 1): a batch is acknowledged, so its offset may be
 * committed to the consumer group, only once a checkpoint holds its effect. Batches processed after the last
 * checkpoint stay unacknowledged and are acknowledged together with the batch whose step writes the next one. The
 * checkpoint also records the offset, and {@link ResumeFromCheckpoint} seeks there on (re)assignment; so a learner
 * that dies between checkpoints (also before the first one, with {@code checkpoint-every > 1}) is redelivered every
 * batch it had not made durable and repeats nothing it had. A batch that cannot be decoded or that the loop rejects
 * is nacked and dead-lettered ({@code ares.scored.dlq}).
 */
@ApplicationScoped
public class ScoredConsumer {

    @Inject
    LoopReadiness loop;

    @Inject
    RequestScheduler scheduler;

    @Inject
    @Channel("train-events")
    MutinyEmitter<Record<String, byte[]>> trainEvents;

    @Inject
    @Channel("checkpoints")
    MutinyEmitter<Record<String, byte[]>> checkpoints;

    /** Processed batches whose effect no checkpoint holds yet, in offset order (touched by the one worker only). */
    private final List<Message<byte[]>> notDurable = new ArrayList<>();

    @Incoming("scored")
    @Blocking(ordered = true)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    @Timed(value = "ares.process", extraTags = {"channel", "scored"}, description = "Time to process one record")
    public CompletionStage<Void> onBatch(Message<byte[]> message) {
        LearnerLoop.StepOutcome out;
        try {
            IncomingKafkaRecordMetadata<?, ?> meta = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .orElseThrow(() -> new IllegalStateException("ares.scored message without Kafka metadata"));
            ScoredBatch batch = Codecs.scoredBatch().decode(message.getPayload());
            ReadinessWait.until(loop::current, 500);
            out = loop.ready().train(batch, meta.getPartition(), meta.getOffset());
        } catch (RuntimeException e) {
            return message.nack(e);
        }
        trainEvents.sendAndAwait(Record.of(out.event().runId(), Codecs.trainEvent().encode(out.event())));
        CompletionStage<Void> ack;
        if (out.checkpoint().isPresent()) {
            CheckpointEvent c = out.checkpoint().get();
            checkpoints.sendAndAwait(Record.of(c.modelName(), Codecs.checkpointEvent().encode(c)));
            notDurable.add(message);
            ack = CompletableFuture.completedFuture(null);
            for (Message<byte[]> m : notDurable) {
                ack = ack.thenCompose(x -> m.ack());
            }
            notDurable.clear();
        } else {
            notDurable.add(message);
            ack = CompletableFuture.completedFuture(null);
        }
        scheduler.topUp();
        return ack;
    }
}
