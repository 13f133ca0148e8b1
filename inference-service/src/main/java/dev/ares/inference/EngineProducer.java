package dev.ares.inference;

import dev.ares.core.compute.ServingEngine;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.engine.ModelServingEngine;
import dev.ares.model.engine.PolicyHolder;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import dev.ares.model.serving.SchedulerLimits;
import jakarta.enterprise.inject.Disposes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the DJL-backed serving engine from configuration: {@code ares.device} (cpu, gpu, gpu:N),
 * {@code ares.checkpoints.root} (the only place checkpoint URIs may point into), {@code ares.trigger-words}
 * (optional word list), and {@code ares.model.dir} (optional folder loaded at start, in the background, so the
 * service is live at once and ready once the model is in memory), {@code ares.model.name} (the id in /v1/models),
 * and the continuous-batching limits {@code ares.inference.max-batch}, {@code max-queue}, {@code queue-timeout},
 * {@code retry-after-seconds} (docs/inference.md).
 */
@ApplicationScoped
public class EngineProducer {
    @ConfigProperty(name = "ares.device", defaultValue = "cpu")
    String device;

    @ConfigProperty(name = "ares.checkpoints.root", defaultValue = "/data/checkpoints")
    String checkpointsRoot;

    @ConfigProperty(name = "ares.trigger-words")
    Optional<String> triggerWords;

    @ConfigProperty(name = "ares.model.name", defaultValue = "ares-policy")
    String modelName;

    @ConfigProperty(name = "ares.model.dir")
    Optional<String> modelDir;

    /** A singleton (no client proxy: PolicyHolder is a final class). */
    @Produces
    @jakarta.inject.Singleton
    PolicyHolder policy() {
        return new PolicyHolder(Path.of(checkpointsRoot), DeviceSpec.parse(device), TriggerVocabulary.resolve(triggerWords.orElse(null)));
    }

    /** Most sequences decoded together (a request with n choices takes n). */
    @ConfigProperty(name = "ares.inference.max-batch", defaultValue = "16")
    int maxBatch;

    /** Most requests waiting for a batch slot; one more gets 429. */
    @ConfigProperty(name = "ares.inference.max-queue", defaultValue = "64")
    int maxQueue;

    /** Longest wait for a batch slot; a request that waited longer gets 503. */
    @ConfigProperty(name = "ares.inference.queue-timeout", defaultValue = "30s")
    Duration queueTimeout;

    /** The Retry-After hint (seconds) of a 429 or 503. */
    @ConfigProperty(name = "ares.inference.retry-after-seconds", defaultValue = "1")
    int retryAfter;

    /**
     * The serving engine, created at startup so an invalid {@code ares.inference.*} scheduler setting fails the start
     * with a message naming the key and the constraint (reliability.md scenario 18).
     */
    @Produces
    @ApplicationScoped
    @Startup
    ServingEngine engine(PolicyHolder policy) {
        require(maxBatch >= 1, "ares.inference.max-batch must be >= 1, got " + maxBatch);
        require(maxQueue >= 0, "ares.inference.max-queue must be >= 0, got " + maxQueue);
        require(!queueTimeout.isNegative() && !queueTimeout.isZero(), "ares.inference.queue-timeout must be > 0, got " + queueTimeout);
        require(retryAfter >= 1, "ares.inference.retry-after-seconds must be >= 1, got " + retryAfter);
        return new ModelServingEngine(policy, modelName, new SchedulerLimits(maxBatch, maxQueue, queueTimeout, retryAfter));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    void close(@Disposes ServingEngine engine) {
        if (engine instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the serving engine failed", e);
            }
        }
    }

    void loadAtStart(@Observes StartupEvent ev, PolicyHolder policy) {
        modelDir.ifPresent(dir -> policy.loadFolderInBackground(Path.of(dir)));
    }
}
