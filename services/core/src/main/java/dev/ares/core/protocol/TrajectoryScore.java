package dev.ares.core.protocol;

import java.util.List;

/**
 * Reward-service output for one trajectory (architecture.md §3 {@code ScoredBatch}; aepo-spec §14 order).
 *
 * @param trajectoryId  id of the scored trajectory (must match the embedded {@link RolloutGroup}); non-blank
 * @param accuracy      answer correctness in [0, 1] (1 = verified equal to the reference)
 * @param format        format reward (finite; e.g. 1 when the answer is in the required box/tag)
 * @param hweCount      number of validated high-window-entropy events, {@code >= 0}
 * @param hweWindows    token spans of those windows (each inside the trajectory)
 * @param entropyReward hierarchical entropy reward term (finite)
 * @param reward        overall shaped reward (finite)
 * @param advantage     group-relative advantage (finite)
 */
public record TrajectoryScore(String trajectoryId, double accuracy, double format, int hweCount,
                              List<WindowSpan> hweWindows, double entropyReward, double reward, double advantage) {
    public TrajectoryScore {
        Checks.nonBlank(trajectoryId, "TrajectoryScore.trajectoryId");
        String where = "TrajectoryScore[" + trajectoryId + "].";
        Checks.inRange(accuracy, 0.0, 1.0, where + "accuracy");
        Checks.finite(format, where + "format");
        Checks.atLeast(hweCount, 0, where + "hweCount");
        hweWindows = Checks.list(hweWindows, where + "hweWindows");
        Checks.finite(entropyReward, where + "entropyReward");
        Checks.finite(reward, where + "reward");
        Checks.finite(advantage, where + "advantage");
    }
}
