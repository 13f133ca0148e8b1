package dev.ares.core.learner;

import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.tasks.PromptFormat;
import java.util.List;

/**
 * How the learner schedules rollout requests (architecture.md §4 step 1; issue 6 item 3). Every field maps to one
 * {@code ares.learner.*} key, and the constructor rejects a bad value with a {@link LearnerConfigException} naming
 * that key.
 *
 * @param runId               training run id, non-blank ({@code ares.learner.run-id})
 * @param groupsPerStep       prompt groups per learner step, {@code >= 1} ({@code ares.learner.groups-per-step})
 * @param n                   trajectories per group, {@code >= 2} so a group-relative advantage exists
 *                            ({@code ares.learner.n})
 * @param maxStaleness        most steps in flight at once, and the staleness bound in policy versions (see
 *                            docs/learner.md), {@code >= 1} ({@code ares.learner.max-staleness})
 * @param explorationMode     {@code iid} or {@code hwe-branch} ({@code ares.learner.mode}; {@code grpo} schedules IID)
 * @param branchBudget        branch points per group in HWE-branch mode, {@code 0..n-1}; forced to 0 in IID mode
 *                            ({@code ares.learner.branch-budget})
 * @param temperature         sampling temperature, {@code > 0} ({@code ares.learner.temperature})
 * @param topP                nucleus mass in (0, 1] ({@code ares.learner.top-p})
 * @param maxNewTokens        response budget per trajectory, {@code >= 1} ({@code ares.learner.max-new-tokens})
 * @param stop                stop strings (may be empty)
 * @param seed                base seed of prompt draws and sampling seeds ({@code ares.learner.seed})
 * @param maxSteps            stop scheduling after this many steps; 0 = unbounded ({@code ares.learner.max-steps})
 * @param promptFormat        how a curriculum problem becomes the user turn ({@code ares.learner.prompt-format})
 * @param triggerTableVersion trigger-table version sent until a scored batch reports one, {@code >= 0}
 */
public record ScheduleConfig(String runId, int groupsPerStep, int n, int maxStaleness, ExplorationMode explorationMode,
                             int branchBudget, double temperature, double topP, int maxNewTokens, List<String> stop,
                             long seed, long maxSteps, PromptFormat promptFormat, long triggerTableVersion) {

    /** Validates every field against its key's constraint. */
    public ScheduleConfig {
        if (runId == null || runId.isBlank()) {
            throw new LearnerConfigException("ares.learner.run-id", "must be a non-blank string", "'" + runId + "'");
        }
        if (groupsPerStep < 1) {
            throw new LearnerConfigException("ares.learner.groups-per-step", "must be >= 1", groupsPerStep);
        }
        if (n < 2) {
            throw new LearnerConfigException("ares.learner.n", "must be >= 2 (group-relative advantages)", n);
        }
        if (maxStaleness < 1) {
            throw new LearnerConfigException("ares.learner.max-staleness", "must be >= 1", maxStaleness);
        }
        if (explorationMode == null) {
            throw new LearnerConfigException("ares.learner.mode", "must be iid, hwe-branch or grpo", null);
        }
        if (explorationMode == ExplorationMode.IID) {
            branchBudget = 0;
        } else if (branchBudget < 0 || branchBudget > n - 1) {
            throw new LearnerConfigException("ares.learner.branch-budget", "must be in [0, n - 1 = " + (n - 1) + "]",
                    branchBudget);
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new LearnerConfigException("ares.learner.temperature", "must be finite and > 0", temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new LearnerConfigException("ares.learner.top-p", "must be in (0, 1]", topP);
        }
        if (maxNewTokens < 1) {
            throw new LearnerConfigException("ares.learner.max-new-tokens", "must be >= 1", maxNewTokens);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (maxSteps < 0) {
            throw new LearnerConfigException("ares.learner.max-steps", "must be >= 0 (0 = unbounded)", maxSteps);
        }
        if (promptFormat == null) {
            throw new LearnerConfigException("ares.learner.prompt-format", "must be bare or ares", null);
        }
        if (triggerTableVersion < 0) {
            throw new LearnerConfigException("ares.learner.trigger-table-version", "must be >= 0", triggerTableVersion);
        }
    }

    /** The sampling parameters of the groups of {@code step}, index {@code index} (seed derived, top-k off). */
    public SamplingParams sampling(long step, int index) {
        return new SamplingParams(temperature, topP, 0, maxNewTokens, Seeds.mix(seed, step, index), stop);
    }
}
