package dev.ares.support;

import dev.ares.kafkalocal.BrokerProbe;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** One {@link BrokerProbe} per service, started with the application: every 2 s, a 3 s deadline. */
@ApplicationScoped
public class BrokerProbeProducer {

    @Produces
    @ApplicationScoped
    @Startup
    BrokerProbe brokerProbe(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        return new BrokerProbe(bootstrap, Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    void close(@Disposes BrokerProbe probe) {
        probe.close();
    }
}
