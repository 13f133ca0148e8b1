package dev.ares.inference;

import dev.ares.core.compute.ServingEngine;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.engine.ModelServingEngine;
import dev.ares.model.engine.PolicyHolder;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the DJL-backed serving engine from configuration: {@code ares.device} (cpu, gpu, gpu:N),
 * {@code ares.checkpoints.root} (the only place checkpoint URIs may point into), {@code ares.trigger-words}
 * (optional word list), and {@code ares.model.dir} (optional folder loaded at start, in the background, so the
 * service is live at once and ready once the model is in memory), {@code ares.model.name} (the id in /v1/models).
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

    @Produces
    @ApplicationScoped
    PolicyHolder policy() {
        return new PolicyHolder(Path.of(checkpointsRoot), DeviceSpec.parse(device), TriggerVocabulary.resolve(triggerWords.orElse(null)));
    }

    @Produces
    @ApplicationScoped
    ServingEngine engine(PolicyHolder policy) {
        return new ModelServingEngine(policy, modelName);
    }

    void loadAtStart(@Observes StartupEvent ev, PolicyHolder policy) {
        modelDir.ifPresent(dir -> policy.loadFolderInBackground(Path.of(dir)));
    }
}
