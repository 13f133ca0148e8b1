package dev.ares.core.protocol;

import java.util.List;

/**
 * One scored group inside a {@link ScoredBatch}: group-level statistics, one {@link TrajectoryScore} per
 * trajectory (same order and ids as the embedded rollout), and the rollout itself so the learner has the tokens
 * and behaviour log-probabilities (architecture.md §3, §4).
 *
 * @param groupId      group id; equals {@code rollout.groupId()}
 * @param passRate     fraction of correct trajectories in [0, 1]
 * @param bucket       difficulty bucket assigned from the pass rate
 * @param keep         false when the online filter drops the group (e.g. all-correct or all-wrong)
 * @param trajectories scores, aligned one-to-one with {@code rollout.trajectories()}
 * @param rollout      the scored rollout group
 */
public record ScoredGroup(String groupId, double passRate, Bucket bucket, boolean keep,
                          List<TrajectoryScore> trajectories, RolloutGroup rollout) {
    public ScoredGroup {
        Checks.nonBlank(groupId, "ScoredGroup.groupId");
        String where = "ScoredGroup[" + groupId + "].";
        Checks.inRange(passRate, 0.0, 1.0, where + "passRate");
        Checks.nonNull(bucket, where + "bucket");
        trajectories = Checks.list(trajectories, where + "trajectories");
        Checks.nonNull(rollout, where + "rollout");
        if (!groupId.equals(rollout.groupId())) {
            throw new IllegalArgumentException(where + "rollout has groupId " + rollout.groupId());
        }
        List<Trajectory> generated = rollout.trajectories();
        if (trajectories.size() != generated.size()) {
            throw new IllegalArgumentException(where + "trajectories has " + trajectories.size()
                    + " scores but the rollout has " + generated.size() + " trajectories");
        }
        for (int i = 0; i < trajectories.size(); i++) {
            TrajectoryScore score = trajectories.get(i);
            Trajectory traj = generated.get(i);
            if (!score.trajectoryId().equals(traj.trajectoryId())) {
                throw new IllegalArgumentException(where + "trajectories[" + i + "] scores "
                        + score.trajectoryId() + " but the rollout's trajectory " + i + " is " + traj.trajectoryId());
            }
            for (WindowSpan w : score.hweWindows()) {
                if (w.end() > traj.length()) {
                    throw new IllegalArgumentException(where + "trajectories[" + i + "].hweWindows has " + w
                            + " beyond the trajectory length " + traj.length());
                }
            }
        }
    }
}
