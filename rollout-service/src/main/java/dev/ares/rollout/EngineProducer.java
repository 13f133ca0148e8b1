package dev.ares.rollout;

import dev.ares.core.compute.RolloutEngine;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.engine.ModelRolloutEngine;
import dev.ares.model.engine.PolicyHolder;
import dev.ares.model.generation.HweWindow;
import dev.ares.core.aepo.Windows;
import io.quarkus.runtime.Startup;
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
 * (optional word list), {@code ares.model.dir} (optional folder loaded at start, in the background, so the
 * service is live at once and ready once the model is in memory), {@code ares.rollout.hwe.window} and
 * {@code ares.rollout.hwe.window-mode} (the hwe-branch decision's window, as the reward service scores) and
 * {@code ares.rollout.batch.max-rows} (trajectories per decode batch) and {@code ares.blobs.root} (where prompts'
 * image references are read; without it a request with images is refused, docs/rollout.md "Image prompts").
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

    @ConfigProperty(name = "ares.rollout.hwe.window", defaultValue = "4")
    int hweWindow;

    @ConfigProperty(name = "ares.rollout.hwe.window-mode", defaultValue = "FORWARD_EXCLUSIVE")
    String hweWindowMode;

    @ConfigProperty(name = "ares.rollout.batch.max-rows", defaultValue = "64")
    int maxBatchRows;

    @ConfigProperty(name = "ares.blobs.root")
    Optional<String> blobsRoot;

    @Produces
    @ApplicationScoped
    PolicyHolder policy() {
        return new PolicyHolder(Path.of(checkpointsRoot), DeviceSpec.parse(device), TriggerVocabulary.resolve(triggerWords.orElse(null)));
    }

    /** Created at startup, so an invalid {@code ares.rollout.*} value fails the start (reliability.md scenario 18). */
    @Produces
    @ApplicationScoped
    @Startup
    RolloutEngine engine(PolicyHolder policy) {
        Windows.Mode mode;
        try {
            mode = Windows.Mode.valueOf(hweWindowMode.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ares.rollout.hwe.window-mode must be FORWARD_EXCLUSIVE or FORWARD_INCLUSIVE,"
                    + " got " + hweWindowMode);
        }
        if (hweWindow < 1) {
            throw new IllegalArgumentException("ares.rollout.hwe.window must be >= 1, got " + hweWindow);
        }
        if (maxBatchRows < 1) {
            throw new IllegalArgumentException("ares.rollout.batch.max-rows must be >= 1, got " + maxBatchRows);
        }
        return new ModelRolloutEngine(policy, new HweWindow(hweWindow, mode), maxBatchRows,
                blobsRoot.filter(x -> !x.isBlank()).map(Path::of).orElse(null));
    }

    void loadAtStart(@Observes StartupEvent ev, PolicyHolder policy) {
        modelDir.ifPresent(dir -> policy.loadFolderInBackground(Path.of(dir)));
    }
}
