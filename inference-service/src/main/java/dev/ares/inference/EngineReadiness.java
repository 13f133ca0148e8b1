package dev.ares.inference;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.ServingEngine;
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
 * The service's handle on its serving engine and the readiness check that reports it: DOWN with the reason
 * until an engine bean exists in the build and has loaded a model.
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
    Instance<ServingEngine> engines;

    /** The engine's readiness, or DOWN when this build has no engine. */
    Readiness current() {
        return engines.isResolvable() ? engines.get().readiness()
                : Readiness.down("no serving engine bean in this build");
    }

    /** The engine, when this build has one. */
    java.util.Optional<ServingEngine> present() {
        return engines.isResolvable() ? java.util.Optional.of(engines.get()) : java.util.Optional.empty();
    }

    /**
     * The engine, ready to serve.
     *
     * @throws IllegalStateException (mapped to 503 with Retry-After) when it is not ready
     */
    ServingEngine engine() {
        Readiness r = current();
        if (!r.ready()) {
            throw new IllegalStateException(r.reason());
        }
        return engines.get();
    }

    @Override
    public HealthCheckResponse call() {
        Readiness r = current();
        BrokerProbe.Status b = broker.status();
        var builder = HealthCheckResponse.named("serving-engine").status(r.ready() && b.up()).withData("reason", r.reason())
                .withData("broker", b.detail());
        if (r.ready()) {
            builder.withData("policy_version", engines.get().policyVersion());
        }
        return builder.build();
    }
}
