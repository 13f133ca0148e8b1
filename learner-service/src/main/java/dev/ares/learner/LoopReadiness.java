package dev.ares.learner;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.Readiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The service's handle on its training loop and the readiness check that reports it: DOWN with the reason
 * until a loop bean exists in the build and has loaded its policy and reference models.
 */
@org.eclipse.microprofile.health.Readiness
@jakarta.enterprise.inject.Default
@ApplicationScoped
public class LoopReadiness implements HealthCheck {

    @Inject
    Instance<LearnerLoop> loops;

    /** The loop's readiness, or DOWN when this build has no loop. */
    Readiness current() {
        return loops.isResolvable() ? loops.get().readiness()
                : Readiness.down("no learner loop in this build: the AEPO training step is not wired yet");
    }

    /** The loop, when this build has one. */
    java.util.Optional<LearnerLoop> present() {
        return loops.isResolvable() ? java.util.Optional.of(loops.get()) : java.util.Optional.empty();
    }

    /** The loop; call only once {@link #current()} is ready. */
    LearnerLoop loop() {
        return loops.get();
    }

    @Override
    public HealthCheckResponse call() {
        Readiness r = current();
        return HealthCheckResponse.named("learner-loop").status(r.ready()).withData("reason", r.reason()).build();
    }
}
