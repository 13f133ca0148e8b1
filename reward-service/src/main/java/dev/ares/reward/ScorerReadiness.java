package dev.ares.reward;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.StepScorer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The service's handle on its scorer and the readiness check that reports it (controller state restored);
 * broker reachability is the Kafka client's own check.
 */
@org.eclipse.microprofile.health.Readiness
@jakarta.enterprise.inject.Default
@ApplicationScoped
public class ScorerReadiness implements HealthCheck {

    @Inject
    Instance<StepScorer> scorers;

    /** The scorer's readiness, or DOWN when this build has no scorer. */
    Readiness current() {
        return scorers.isResolvable() ? scorers.get().readiness()
                : Readiness.down("no step scorer in this build: AEPO scoring is not wired yet");
    }

    /** The scorer; call only once {@link #current()} is ready. */
    StepScorer scorer() {
        return scorers.get();
    }

    @Override
    public HealthCheckResponse call() {
        Readiness r = current();
        return HealthCheckResponse.named("step-scorer").status(r.ready()).withData("reason", r.reason()).build();
    }
}
