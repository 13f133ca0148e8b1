package dev.ares.inference;

import dev.ares.core.compute.ServingEngine;
import dev.ares.core.compute.Readiness;
import dev.ares.support.ComputeReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The service's handle on its {@link ServingEngine} and the {@code serving-engine} readiness check (the step's readiness
 * plus the broker probe; see {@link ComputeReadiness}).
 */
@org.eclipse.microprofile.health.Readiness
@jakarta.enterprise.inject.Default
@ApplicationScoped
public class EngineReadiness extends ComputeReadiness<ServingEngine> {

    @Inject
    Instance<ServingEngine> engines;

    @Override
    protected String name() {
        return "serving-engine";
    }

    @Override
    public Optional<ServingEngine> present() {
        return engines.isResolvable() ? Optional.of(engines.get()) : Optional.empty();
    }

    @Override
    protected Readiness readinessOf(ServingEngine step) {
        return step.readiness();
    }

    @Override
    protected void describe(ServingEngine step, HealthCheckResponseBuilder builder) {
        builder.withData("policy_version", step.policyVersion());
    }
}
