package dev.ares.cli.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds the per-step train events of one experiment run (learner metrics, docs/learner.md) into the few numbers that
 * explain a held-out result: how often HWE windows fired, how much the online filter left to train on, and how far the
 * policy moved from the reference.
 *
 * <p>Out ({@link #toMap}): {@code steps}; means over all steps of {@code reward/mean}, {@code accuracy/mean},
 * {@code length/mean}, {@code hwe/rate} (fraction of trajectories with a validated HWE window, aepo-spec §4) and
 * {@code hwe/per_trajectory}; sums of {@code train/tokens}, {@code outcome/groups/trained} and
 * {@code outcome/groups/filtered}; {@code kl/mean} averaged over the steps that took an optimiser update only (a step
 * whose groups were all filtered reports no KL), and {@code kl/last} of the last such step.
 */
final class TrainingSummary {

    private static final String[] MEANS = {"reward/mean", "accuracy/mean", "length/mean", "hwe/rate", "hwe/per_trajectory"};
    private static final String[] SUMS = {"train/tokens", "outcome/groups/trained", "outcome/groups/filtered"};

    private final Map<String, Double> sums = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private int steps;
    private double klSum;
    private int klSteps;
    private double klLast = Double.NaN;

    /** Adds one step's train-event metrics. */
    void add(Map<String, Double> metrics) {
        steps++;
        for (String k : MEANS) {
            accumulate(metrics, k);
        }
        for (String k : SUMS) {
            accumulate(metrics, k);
        }
        Double kl = metrics.get("kl/mean");
        if (kl != null && Double.isFinite(kl)) {
            klSum += kl;
            klSteps++;
            klLast = kl;
        }
    }

    private void accumulate(Map<String, Double> metrics, String k) {
        Double v = metrics.get(k);
        if (v != null && Double.isFinite(v)) {
            sums.merge(k, v, Double::sum);
            counts.merge(k, 1, Integer::sum);
        }
    }

    /** The summary; metrics no step reported are absent. */
    Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("steps", (double) steps);
        for (String k : MEANS) {
            if (counts.containsKey(k)) {
                m.put(k, sums.get(k) / counts.get(k));
            }
        }
        for (String k : SUMS) {
            if (sums.containsKey(k)) {
                m.put(k, sums.get(k));
            }
        }
        if (klSteps > 0) {
            m.put("kl/mean", klSum / klSteps);
            m.put("kl/last", klLast);
        }
        return m;
    }
}
