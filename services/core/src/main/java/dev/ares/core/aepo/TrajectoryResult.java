package dev.ares.core.aepo;

/**
 * Scores of one trajectory (spec §14 outputs).
 *
 * @param hweCount N_HE, events
 * @param invalidTriggers triggers with a complete window below τ
 * @param softCost Σ max(0, H̄ − τ) over triggers with a complete window, nats
 * @param hweSpans merged token spans covered by validated windows, flattened [start, endExclusive, …]
 * @param sequenceQuantile the per-sequence quantile entering the threshold statistic (NaN if none), nats
 * @param entropyReward E, reward units
 * @param overall acc + E (+ format term), reward units
 * @param advantage GRPO advantage
 */
public record TrajectoryResult(int hweCount, int invalidTriggers, double softCost, int[] hweSpans,
                               double sequenceQuantile, double entropyReward, double overall, double advantage) {
}
