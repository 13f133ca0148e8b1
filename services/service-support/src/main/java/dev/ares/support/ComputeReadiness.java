package dev.ares.support;

import dev.ares.core.compute.Readiness;
import dev.ares.kafkalocal.BrokerProbe;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * A service's handle on its compute step (architecture.md §2: an interface of services/core) and the readiness
 * check that reports it: UP when a bean of the step exists, the step says it is ready, and the broker answered
 * the last {@link BrokerProbe} call; otherwise DOWN with the reason. Subclasses name the step and resolve its bean.
 *
 * @param <T> the compute interface
 */
public abstract class ComputeReadiness<T> implements HealthCheck {

    @Inject
    BrokerProbe broker;

    /** The check's name in {@code /q/health/ready}. */
    protected abstract String name();

    /** The step's bean, when this build has one. */
    public abstract Optional<T> present();

    /** The step's own readiness. */
    protected abstract Readiness readinessOf(T step);

    /** Extra data for the check when the step is ready (for example the served policy version). */
    protected void describe(T step, HealthCheckResponseBuilder builder) {
    }

    /** The step's readiness, or DOWN when this build has no bean of it. */
    public Readiness current() {
        return present().map(this::readinessOf).orElseGet(() -> Readiness.down("no " + name() + " bean in this build"));
    }

    /**
     * The step, ready to work.
     *
     * @throws IllegalStateException with the reason when it is not ready
     */
    public T ready() {
        Readiness r = current();
        if (!r.ready()) {
            throw new IllegalStateException(r.reason());
        }
        return present().orElseThrow();
    }

    @Override
    public HealthCheckResponse call() {
        Readiness r = current();
        BrokerProbe.Status b = broker.status();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(name()).status(r.ready() && b.up())
                .withData("reason", r.reason()).withData("broker", b.detail());
        if (r.ready()) {
            present().ifPresent(step -> describe(step, builder));
        }
        return builder.build();
    }
}
