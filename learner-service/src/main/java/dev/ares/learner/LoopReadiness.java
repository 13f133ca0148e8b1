package dev.ares.learner;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.Readiness;
import dev.ares.support.ComputeReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * The service's handle on its {@link LearnerLoop} and the {@code learner-loop} readiness check (the step's readiness
 * plus the broker probe; see {@link ComputeReadiness}).
 */
@org.eclipse.microprofile.health.Readiness
@jakarta.enterprise.inject.Default
@ApplicationScoped
public class LoopReadiness extends ComputeReadiness<LearnerLoop> {

    @Inject
    Instance<LearnerLoop> loops;

    @Override
    protected String name() {
        return "learner-loop";
    }

    @Override
    public Optional<LearnerLoop> present() {
        return loops.isResolvable() ? Optional.of(loops.get()) : Optional.empty();
    }

    @Override
    protected Readiness readinessOf(LearnerLoop step) {
        return step.readiness();
    }
}
