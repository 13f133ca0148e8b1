package dev.ares.rollout;

import dev.ares.core.compute.RolloutEngine.Outcome;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The service's {@link GroupBatcher} over its engine: {@code ares.rollout.batch.max-groups} requests at most per
 * generation batch (default 8) and {@code ares.rollout.batch.max-wait-ms} (default 20) to wait for more once one
 * is waiting. Records the decode throughput of every batch in {@link RolloutMetrics}.
 */
@ApplicationScoped
public class RolloutBatcher {
    @Inject
    EngineReadiness engine;

    @Inject
    RolloutMetrics metrics;

    @ConfigProperty(name = "ares.rollout.batch.max-groups", defaultValue = "8")
    int maxGroups;

    @ConfigProperty(name = "ares.rollout.batch.max-wait-ms", defaultValue = "20")
    long maxWaitMs;

    private GroupBatcher batcher;

    @PostConstruct
    void start() {
        batcher = new GroupBatcher(this::generate, maxGroups, Duration.ofMillis(maxWaitMs));
    }

    void stop(@Observes ShutdownEvent ev) {
        batcher.close();
    }

    /** Blocks until the group of {@code request} exists (see {@link GroupBatcher#submit}). */
    public RolloutGroup submit(RolloutRequest request) {
        return batcher.submit(request);
    }

    private List<Outcome> generate(List<RolloutRequest> requests) {
        long t0 = System.nanoTime();
        List<Outcome> out = engine.ready().generateAll(requests);
        long nanos = System.nanoTime() - t0;
        List<RolloutGroup> made = new ArrayList<>();
        for (Outcome o : out) {
            if (o.group() != null) {
                made.add(o.group());
            }
        }
        metrics.batch(made, nanos);
        return out;
    }
}
