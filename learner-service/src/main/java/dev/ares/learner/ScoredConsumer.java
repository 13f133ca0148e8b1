package dev.ares.learner;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.ReadinessWait;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.CheckpointEvent;
import io.micrometer.core.annotation.Timed;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code ares.scored} -> {@link LearnerLoop#train} -> {@code ares.train.events} and, when the step wrote one,
 * {@code ares.checkpoints}; then tops up {@code ares.rollout.requests} within the staleness bound.
 * The batch's partition and offset go into the checkpoint, and {@link ResumeFromCheckpoint} seeks there on
 * (re)assignment, so a learner killed mid-step repeats nothing it has checkpointed and loses nothing it has not.
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

    @Incoming("scored")
    @Blocking(ordered = true)
    @Timed(value = "ares.process", extraTags = {"channel", "scored"}, description = "Time to process one record")
    public void onBatch(ConsumerRecord<String, byte[]> record) {
        ScoredBatch batch = Codecs.scoredBatch().decode(record.value());
        ReadinessWait.until(loop::current, 500);
        LearnerLoop.StepOutcome out = loop.ready().train(batch, record.partition(), record.offset());
        trainEvents.sendAndAwait(Record.of(out.event().runId(), Codecs.trainEvent().encode(out.event())));
        if (out.checkpoint().isPresent()) {
            CheckpointEvent c = out.checkpoint().get();
            checkpoints.sendAndAwait(Record.of(c.modelName(), Codecs.checkpointEvent().encode(c)));
        }
        scheduler.topUp();
    }
}
