package dev.ares.core.aepo;

/**
 * Batch-level statistics reported with a scored batch (issue 4 item 6, architecture "ScoredBatch").
 *
 * @param reading reading used
 * @param tauUsed τ applied to this batch's events, nats
 * @param tauOrigin where τ came from: {@code fixed}, {@code state} (lagged) or {@code batch}
 * @param tauStatistic batch statistic of the per-sequence quantiles over kept responses, nats (null if none)
 * @param targets per-bucket targets used by the shaping (code: this batch; paper: lagged)
 * @param lambda paper reading: λ_d per bucket; null in the code reading
 * @param alphaUsed α_d used by the code shaping
 * @param bucketMeanHwe ḡ_d, mean over prompts of each prompt's mean N_HE (null: empty bucket)
 * @param promptsEasy prompts in easy
 * @param promptsMedium prompts in medium
 * @param promptsHard prompts in hard
 * @param groups number of groups
 * @param keptGroups groups passing the online filter
 * @param meanAccuracy mean accuracy over all trajectories
 * @param meanOverall mean overall reward over all trajectories
 */
public record BatchStats(Reading reading, double tauUsed, String tauOrigin, Double tauStatistic,
                         BucketTargets targets, BucketValues lambda, BucketValues alphaUsed,
                         BucketTargets bucketMeanHwe, int promptsEasy, int promptsMedium, int promptsHard, int groups,
                         int keptGroups, double meanAccuracy, double meanOverall) {
}
