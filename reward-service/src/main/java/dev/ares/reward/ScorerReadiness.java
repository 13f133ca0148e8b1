package dev.ares.reward;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.StepScorer;
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
 * The service's handle on its scorer and the readiness check that reports it (controller state restored);
 * broker reachability is the Kafka client's own check.
 */
@org.eclipse.microprofile.health.Readiness
@jakarta.enterprise.inject.Default
@ApplicationScoped
public class ScorerReadiness implements HealthCheck {

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
    Instance<StepScorer> scorers;

    /** The scorer's readiness, or DOWN when this build has no scorer. */
    Readiness current() {
        return scorers.isResolvable() ? scorers.get().readiness()
                : Readiness.down("no step scorer bean in this build");
    }

    /** The scorer; call only once {@link #current()} is ready. */
    StepScorer scorer() {
        return scorers.get();
    }

    @Override
    public HealthCheckResponse call() {
        Readiness r = current();
        BrokerProbe.Status b = broker.status();
        return HealthCheckResponse.named("step-scorer").status(r.ready() && b.up()).withData("reason", r.reason())
                .withData("broker", b.detail()).build();
    }
}
