package dev.ares.rollout;

import dev.ares.core.compute.RolloutEngine;
import dev.ares.core.compute.Readiness;
import dev.ares.support.ComputeReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * The service's handle on its {@link RolloutEngine} and the {@code rollout-engine} readiness check (the step's readiness
 * plus the broker probe; see {@link ComputeReadiness}).
 */
@org.eclipse.microprofile.health.Readiness
@jakarta.enterprise.inject.Default
@ApplicationScoped
public class EngineReadiness extends ComputeReadiness<RolloutEngine> {

    @Inject
    Instance<RolloutEngine> engines;

    @Override
    protected String name() {
        return "rollout-engine";
    }

    @Override
    public Optional<RolloutEngine> present() {
        return engines.isResolvable() ? Optional.of(engines.get()) : Optional.empty();
    }

    @Override
    protected Readiness readinessOf(RolloutEngine step) {
        return step.readiness();
    }
}
