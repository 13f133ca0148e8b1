package dev.ares.learner;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.Readiness;
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
 * The service's handle on its training loop and the readiness check that reports it: DOWN with the reason
 * until a loop bean exists in the build and has loaded its policy and reference models.
 */
@org.eclipse.microprofile.health.Readiness
@jakarta.enterprise.inject.Default
@ApplicationScoped
public class LoopReadiness implements HealthCheck {

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
        BrokerProbe.Status b = broker.status();
        return HealthCheckResponse.named("learner-loop").status(r.ready() && b.up()).withData("reason", r.reason())
                .withData("broker", b.detail()).build();
    }
}
