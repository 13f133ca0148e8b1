package dev.ares.rollout;

import dev.ares.core.compute.ReadinessWait;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.support.ServiceStopping;
import io.micrometer.core.annotation.Timed;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code ares.rollout.requests} -> {@link RolloutBatcher} (several groups per generation batch) -> {@code ares.rollouts}
 * (keyed by step). Records are handled concurrently on the {@code rollout-requests} worker pool, so the requests of
 * one poll meet in the batcher; each record is acknowledged only after its own group is published (the offset
 * commit waits for every earlier record). A valid request waits until the engine holds a policy. A record that does
 * not decode, or that the engine rejects, throws; the channel's dead-letter strategy
 * then sends the original bytes with the error and source topic/partition/offset to
 * {@code ares.rollout.requests.dlq}, and consumption goes on. At shutdown a request still waiting for the engine or
 * for its generation batch is abandoned unacknowledged ({@code AbandonedWork}), so it is generated after the restart
 * instead of being dead-lettered (reliability.md scenario 17).
 */
@ApplicationScoped
public class RolloutConsumer {

    @Inject
    EngineReadiness engine;

    @Inject
    RolloutBatcher batcher;

    @Inject
    RolloutMetrics metrics;

    @Inject
    ServiceStopping stopping;

    @Inject
    @Channel("rollouts")
    MutinyEmitter<Record<String, byte[]>> rollouts;

    @Incoming("requests")
    @Blocking(value = "rollout-requests", ordered = false)
    @Timed(value = "ares.process", extraTags = {"channel", "requests"}, description = "Time to process one record")
    public void onRequest(ConsumerRecord<String, byte[]> record) {
        RolloutRequest request = Codecs.rolloutRequest().decode(record.value());
        ReadinessWait.until(engine::current, 500, stopping::stopping);
        RolloutGroup group = batcher.submit(request);
        rollouts.sendAndAwait(Record.of(Long.toString(group.step()), Codecs.rolloutGroup().encode(group)));
        metrics.published(group);
    }
}
