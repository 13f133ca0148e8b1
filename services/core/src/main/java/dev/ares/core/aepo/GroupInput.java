package dev.ares.core.aepo;

import java.util.List;

/**
 * The G rollouts of one prompt draw (spec §5: the group that defines the pass rate and the GRPO baseline).
 *
 * @param groupId stable id of the group (required: the official code's missing {@code global_id}, bug B8)
 * @param trajectories the group's trajectories, at least one
 */
public record GroupInput(String groupId, List<TrajectoryInput> trajectories) {

    /** Checks presence. */
    public GroupInput {
        if (groupId == null || groupId.isBlank()) {
            throw new AepoInputException("group: groupId must be a non-blank string");
        }
        if (trajectories == null || trajectories.isEmpty()) {
            throw new AepoInputException("group " + groupId + ": no trajectories");
        }
        trajectories = List.copyOf(trajectories);
    }
}
