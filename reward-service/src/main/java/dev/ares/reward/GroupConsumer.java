package dev.ares.reward;

import dev.ares.core.compute.ReadinessWait;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import io.micrometer.core.annotation.Timed;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code ares.rollouts} -> {@code StepScorer} -> {@code ares.scored} (keyed by step).
 *
 * <p>The topic has one partition, so exactly one replica of the consumer group is the active scorer and the
 * others are standbys that take over on a rebalance. A group's record is acknowledged only once the batch of
 * its step has been published (or the scorer no longer holds the step), so the committed offset never passes
 * a group that is only in memory: a crash re-delivers it. Undecodable or inconsistent groups are nacked and
 * dead-lettered to {@code ares.rollouts.dlq} with the error and source coordinates; steps whose stragglers
 * time out are flushed as partial batches.
 */
@ApplicationScoped
public class GroupConsumer {

    @Inject
    ScorerReadiness scorer;

    @Inject
    @Channel("scored")
    MutinyEmitter<Record<String, byte[]>> scored;

    private final Map<Long, List<KafkaRecord<String, byte[]>>> pending = new HashMap<>();

    @Incoming("rollouts")
    @Blocking(ordered = true)
    @Timed(value = "ares.process", extraTags = {"channel", "rollouts"}, description = "Time to process one record")
    public CompletionStage<Void> onGroup(KafkaRecord<String, byte[]> record) {
        RolloutGroup group;
        List<ScoredBatch> done;
        try {
            group = Codecs.rolloutGroup().decode(record.getPayload());
            ReadinessWait.until(scorer::current, 500);
            done = scorer.ready().accept(group);
        } catch (RuntimeException e) {
            return record.nack(e);
        }
        synchronized (this) {
            pending.computeIfAbsent(group.step(), s -> new ArrayList<>()).add(record);
            publishAndRelease(done);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Scheduled(every = "${ares.reward.expire-check:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expireStragglers() {
        if (!scorer.current().ready()) {
            return;
        }
        List<ScoredBatch> partial = scorer.ready().expire(System.currentTimeMillis());
        synchronized (this) {
            publishAndRelease(partial);
        }
    }

    private void publishAndRelease(List<ScoredBatch> batches) {
        for (ScoredBatch b : batches) {
            scored.sendAndAwait(Record.of(Long.toString(b.step()), Codecs.scoredBatch().encode(b)));
        }
        Set<Long> open = scorer.ready().openSteps();
        for (Iterator<Map.Entry<Long, List<KafkaRecord<String, byte[]>>>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, List<KafkaRecord<String, byte[]>>> e = it.next();
            if (!open.contains(e.getKey())) {
                e.getValue().forEach(KafkaRecord::ack);
                it.remove();
            }
        }
    }
}
