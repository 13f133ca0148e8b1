package dev.ares.rollout;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.RolloutEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import dev.ares.kafkalocal.BrokerProbe;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The service's handle on its compute step and the readiness check that reports it: DOWN with the reason
 * until an engine bean exists in the build and holds a policy (the broker check is the Kafka client's own).
 */
@org.eclipse.microprofile.health.Readiness
@jakarta.enterprise.inject.Default
@ApplicationScoped
public class EngineReadiness implements HealthCheck {

    @Inject
    BrokerProbe broker;

    /** Probes the brokers in the background every 2 s (3 s deadline), so readiness never blocks on them. */
    @Produces
    @ApplicationScoped
    @io.quarkus.runtime.Startup
    static BrokerProbe brokerProbe(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        return new BrokerProbe(bootstrap, Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    static void closeProbe(@Disposes BrokerProbe probe) {
        probe.close();
    }

    @Inject
    Instance<RolloutEngine> engines;

    /** The engine's readiness, or DOWN when this build has no engine. */
    Readiness current() {
        return engines.isResolvable() ? engines.get().readiness()
                : Readiness.down("no rollout engine bean in this build");
    }

    /** The engine, when this build has one. */
    java.util.Optional<RolloutEngine> present() {
        return engines.isResolvable() ? java.util.Optional.of(engines.get()) : java.util.Optional.empty();
    }

    /** The engine; call only once {@link #current()} is ready. */
    RolloutEngine engine() {
        return engines.get();
    }

    @Override
    public HealthCheckResponse call() {
        Readiness r = current();
        BrokerProbe.Status b = broker.status();
        return HealthCheckResponse.named("rollout-engine").status(r.ready() && b.up()).withData("reason", r.reason())
                .withData("broker", b.detail()).build();
    }
}
