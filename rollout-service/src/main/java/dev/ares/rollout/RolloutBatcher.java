package dev.ares.rollout;

import dev.ares.core.compute.RolloutEngine.Outcome;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The service's {@link GroupBatcher} over its engine: {@code ares.rollout.batch.max-groups} requests at most per
 * generation batch (default 8) and {@code ares.rollout.batch.max-wait-ms} (default 20) to wait for more once one
 * is waiting. Records the decode throughput of every batch in {@link RolloutMetrics}. At shutdown the batch being
 * generated gets {@code ares.rollout.shutdown-grace} (default 15 s) to finish; every other request in flight is
 * abandoned unacknowledged, to be delivered again after the restart ({@link GroupBatcher#close(Duration)};
 * reliability.md scenario 17). Created at startup, so invalid settings fail the start (scenario 18).
 */
@ApplicationScoped
@Startup
public class RolloutBatcher {
    private static final Logger LOG = Logger.getLogger(RolloutBatcher.class);

    @Inject
    EngineReadiness engine;

    @Inject
    RolloutMetrics metrics;

    @ConfigProperty(name = "ares.rollout.batch.max-groups", defaultValue = "8")
    int maxGroups;

    @ConfigProperty(name = "ares.rollout.batch.max-wait-ms", defaultValue = "20")
    long maxWaitMs;

    @ConfigProperty(name = "ares.rollout.shutdown-grace", defaultValue = "15s")
    Duration shutdownGrace;

    private GroupBatcher batcher;

    @PostConstruct
    void start() {
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("ares.rollout.shutdown-grace must be >= 0, got " + shutdownGrace);
        }
        batcher = new GroupBatcher(this::generate, maxGroups, Duration.ofMillis(maxWaitMs));
    }

    void stop(@Observes ShutdownEvent ev) {
        long t0 = System.nanoTime();
        boolean finished = batcher.close(shutdownGrace);
        LOG.infof("rollout batcher closed in %d ms: %s", (System.nanoTime() - t0) / 1_000_000, finished
                ? "no generation was cut short" : "the running generation batch was abandoned after the grace of " + shutdownGrace);
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
