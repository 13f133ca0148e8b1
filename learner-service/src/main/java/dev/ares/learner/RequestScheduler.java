package dev.ares.learner;

import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutRequest;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Publishes the rollout requests the loop asks for (keyed by group id, so a group's retries land on one
 * partition). The loop returns nothing while {@code max-staleness} steps are in flight: backpressure.
 */
@ApplicationScoped
public class RequestScheduler {

    @Inject
    LoopReadiness loop;

    @Inject
    @Channel("requests")
    MutinyEmitter<Record<String, byte[]>> requests;

    @Scheduled(every = "${ares.learner.schedule-every:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void topUp() {
        if (!loop.current().ready()) {
            return;
        }
        for (RolloutRequest r : loop.ready().nextRequests()) {
            requests.sendAndAwait(Record.of(r.groupId(), Codecs.rolloutRequest().encode(r)));
        }
    }
}
