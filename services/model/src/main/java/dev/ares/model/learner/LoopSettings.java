package dev.ares.model.learner;

import dev.ares.core.learner.LearnerConfigException;
import dev.ares.core.learner.ScheduleConfig;
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
 */
public record LoopSettings(String modelName, Path initialDir, Path checkpointsRoot, int checkpointEvery,
                           int keepCheckpoints, DeviceSpec device, ScheduleConfig schedule, TrainerConfig trainer) {

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
        if (device == null || schedule == null || trainer == null) {
            throw new IllegalArgumentException("LoopSettings: device, schedule and trainer are required");
        }
    }

    /** This run's checkpoint store directory, {@code <checkpointsRoot>/<run id>}. */
    public Path runStore() {
        return checkpointsRoot.resolve(schedule.runId());
    }
}
