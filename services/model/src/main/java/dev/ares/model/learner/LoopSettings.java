package dev.ares.model.learner;

import dev.ares.core.learner.LearnerConfigException;
import dev.ares.core.learner.ScheduleConfig;
import dev.ares.core.learner.StalePolicy;
import dev.ares.model.DeviceSpec;
import java.nio.file.Path;

/**
 * Everything {@link ModelLearnerLoop} needs besides the prompt source.
 *
 * @param modelName       name announced in checkpoint events and used as their Kafka key ({@code ares.learner.model-name})
 * @param initialDir      Hugging Face folder of the initial policy, also the frozen reference (the cold-start
 *                        checkpoint or the demo model; {@code ares.learner.model-dir})
 * @param checkpointsRoot shared checkpoint root ({@code ares.checkpoints.root}); this run's store is
 *                        {@code <root>/<run id>}
 * @param checkpointEvery write a checkpoint every this many finished steps, {@code >= 1}
 *                        ({@code ares.learner.checkpoint-every}); the last scheduled step always checkpoints
 * @param keepCheckpoints complete checkpoints kept by retention, {@code >= 1} ({@code ares.learner.keep-checkpoints})
 * @param device          where policy and reference live ({@code ares.learner.device})
 * @param schedule        request schedule
 * @param trainer         optimizer-step settings
 * @param stalePolicy     what happens to over-stale groups ({@code ares.learner.stale-policy}): dropped, or diverted
 *                        to the loop's {@link StaleSink}; counted as stale either way
 * @param lora            full fine-tuning or LoRA adapters ({@code ares.learner.lora-rank} and friends)
 * @param blobsRoot       the image blob store ({@code ares.blobs.root}) where image prompts' PNGs are stored and read
 *                        back to train on image groups, or null for text curricula only
 * @param visionTrainable whether a Qwen2.5-VL policy's vision tower is trained ({@code ares.learner.vision}
 *                        {@code trainable}) or frozen (the default, {@code frozen})
 */
public record LoopSettings(String modelName, Path initialDir, Path checkpointsRoot, int checkpointEvery,
                           int keepCheckpoints, DeviceSpec device, ScheduleConfig schedule, TrainerConfig trainer,
                           StalePolicy stalePolicy, LoraSettings lora, Path blobsRoot, boolean visionTrainable) {

    /** Validates, naming the key of a bad value. */
    public LoopSettings {
        if (modelName == null || modelName.isBlank()) {
            throw new LearnerConfigException("ares.learner.model-name", "must be non-blank", "'" + modelName + "'");
        }
        if (initialDir == null) {
            throw new LearnerConfigException("ares.learner.model-dir", "is required", null);
        }
        if (checkpointsRoot == null) {
            throw new LearnerConfigException("ares.checkpoints.root", "is required", null);
        }
        if (checkpointEvery < 1) {
            throw new LearnerConfigException("ares.learner.checkpoint-every", "must be >= 1", checkpointEvery);
        }
        if (keepCheckpoints < 1) {
            throw new LearnerConfigException("ares.learner.keep-checkpoints", "must be >= 1", keepCheckpoints);
        }
        if (device == null || schedule == null || trainer == null || stalePolicy == null || lora == null) {
            throw new IllegalArgumentException("LoopSettings: device, schedule, trainer, stalePolicy and lora are required");
        }
    }

    /** Text-only settings (no blob root, vision frozen). */
    public LoopSettings(String modelName, Path initialDir, Path checkpointsRoot, int checkpointEvery,
                        int keepCheckpoints, DeviceSpec device, ScheduleConfig schedule, TrainerConfig trainer,
                        StalePolicy stalePolicy, LoraSettings lora) {
        this(modelName, initialDir, checkpointsRoot, checkpointEvery, keepCheckpoints, device, schedule, trainer,
                stalePolicy, lora, null, false);
    }

    /** Settings that drop stale groups and train all weights. */
    public LoopSettings(String modelName, Path initialDir, Path checkpointsRoot, int checkpointEvery,
                        int keepCheckpoints, DeviceSpec device, ScheduleConfig schedule, TrainerConfig trainer) {
        this(modelName, initialDir, checkpointsRoot, checkpointEvery, keepCheckpoints, device, schedule, trainer,
                StalePolicy.DROP, LoraSettings.FULL);
    }

    /** These settings with another stale policy. */
    public LoopSettings withStalePolicy(StalePolicy policy) {
        return new LoopSettings(modelName, initialDir, checkpointsRoot, checkpointEvery, keepCheckpoints, device,
                schedule, trainer, policy, lora, blobsRoot, visionTrainable);
    }

    /** These settings with other trainer settings. */
    public LoopSettings withTrainer(TrainerConfig other) {
        return new LoopSettings(modelName, initialDir, checkpointsRoot, checkpointEvery, keepCheckpoints, device,
                schedule, other, stalePolicy, lora, blobsRoot, visionTrainable);
    }

    /** These settings with LoRA (or full) training. */
    public LoopSettings withLora(LoraSettings other) {
        return new LoopSettings(modelName, initialDir, checkpointsRoot, checkpointEvery, keepCheckpoints, device,
                schedule, trainer, stalePolicy, other, blobsRoot, visionTrainable);
    }

    /** These settings with an image blob root (or null) and the vision tower trainable or frozen. */
    public LoopSettings withImages(Path root, boolean trainVision) {
        return new LoopSettings(modelName, initialDir, checkpointsRoot, checkpointEvery, keepCheckpoints, device,
                schedule, trainer, stalePolicy, lora, root, trainVision);
    }

    /** This run's checkpoint store directory, {@code <checkpointsRoot>/<run id>}. */
    public Path runStore() {
        return checkpointsRoot.resolve(schedule.runId());
    }
}
