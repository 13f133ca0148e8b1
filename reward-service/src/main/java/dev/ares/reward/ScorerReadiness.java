package dev.ares.reward;

import dev.ares.core.compute.StepScorer;
import dev.ares.core.compute.Readiness;
import dev.ares.support.ComputeReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * The service's handle on its {@link StepScorer} and the {@code step-scorer} readiness check (the step's readiness
 * plus the broker probe; see {@link ComputeReadiness}).
 */
@org.eclipse.microprofile.health.Readiness
@jakarta.enterprise.inject.Default
@ApplicationScoped
public class ScorerReadiness extends ComputeReadiness<StepScorer> {

    @Inject
    Instance<StepScorer> scorers;

    @Override
    protected String name() {
        return "step-scorer";
    }

    @Override
    public Optional<StepScorer> present() {
        return scorers.isResolvable() ? Optional.of(scorers.get()) : Optional.empty();
    }

    @Override
    protected Readiness readinessOf(StepScorer step) {
        return step.readiness();
    }
}
