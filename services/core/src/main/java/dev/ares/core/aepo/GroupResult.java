package dev.ares.core.aepo;

import java.util.List;

/**
 * Scores of one group.
 *
 * @param groupId the input group id
 * @param passRate fraction of correct trajectories
 * @param bucket difficulty bucket from the pass rate
 * @param keep online-filter decision (true when the filter is off)
 * @param meanHweCount the prompt's mean N_HE
 * @param trajectories per-trajectory scores, in input order
 */
public record GroupResult(String groupId, double passRate, Bucket bucket, boolean keep, double meanHweCount,
                          List<TrajectoryResult> trajectories) {
}
