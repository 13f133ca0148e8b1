package dev.ares.rollout;

import dev.ares.core.compute.RolloutEngine;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.engine.ModelRolloutEngine;
import dev.ares.model.engine.PolicyHolder;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the DJL-backed rollout engine from configuration: {@code ares.device} (cpu, gpu, gpu:N),
 * {@code ares.checkpoints.root} (the only place checkpoint URIs may point into), {@code ares.trigger-words}
 * (optional word list), and {@code ares.model.dir} (optional folder loaded at start, in the background, so the
 * service is live at once and ready once the model is in memory).
 */
@ApplicationScoped
public class EngineProducer {
    @ConfigProperty(name = "ares.device", defaultValue = "cpu")
    String device;

    @ConfigProperty(name = "ares.checkpoints.root", defaultValue = "/data/checkpoints")
    String checkpointsRoot;

    @ConfigProperty(name = "ares.trigger-words")
    Optional<String> triggerWords;

    @ConfigProperty(name = "ares.model.dir")
    Optional<String> modelDir;

    @Produces
    @ApplicationScoped
    PolicyHolder policy() {
        return new PolicyHolder(Path.of(checkpointsRoot), DeviceSpec.parse(device), TriggerVocabulary.resolve(triggerWords.orElse(null)));
    }

    @Produces
    @ApplicationScoped
    RolloutEngine engine(PolicyHolder policy) {
        return new ModelRolloutEngine(policy);
    }

    void loadAtStart(@Observes StartupEvent ev, PolicyHolder policy) {
        modelDir.ifPresent(dir -> policy.loadFolderInBackground(Path.of(dir)));
    }
}
