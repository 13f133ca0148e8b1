package dev.ares.model.train;

/**
 * Learning rate per optimiser step: linear warm-up from 0 to the peak over {@code warmupSteps}, then cosine
 * decay from the peak to {@code minRatio * peak} at {@code totalSteps} (the schedule of
 * {@code transformers.get_cosine_schedule_with_warmup} with a floor; Loshchilov and Hutter 2017, SGDR, eq. 5
 * without restarts). Steps are 1-based: step 1 is the first update.
 *
 * <pre>
 * lr(s) = peak * s / W                                                   for s &lt;= W
 * lr(s) = peak * (r + (1 - r) * 0.5 * (1 + cos(pi * (s - W) / (N - W)))) for W &lt; s &lt;= N
 * </pre>
 *
 * @param peak        the maximum learning rate, {@code > 0}
 * @param warmupSteps W, {@code 0 <= W <= N}
 * @param totalSteps  N, {@code >= 1}
 * @param minRatio    r, the final rate as a fraction of the peak, in {@code [0, 1]}
 */
public record LrSchedule(double peak, int warmupSteps, int totalSteps, double minRatio) {
    public LrSchedule {
        if (!(peak > 0) || !Double.isFinite(peak)) {
            throw new IllegalArgumentException("peak learning rate must be finite and > 0, got " + peak);
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be >= 1, got " + totalSteps);
        }
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warmupSteps must be in [0, " + totalSteps + "], got " + warmupSteps);
        }
        if (!(minRatio >= 0 && minRatio <= 1)) {
            throw new IllegalArgumentException("minRatio must be in [0, 1], got " + minRatio);
        }
    }

    /**
     * The rate of step {@code step} (1-based).
     *
     * @throws IllegalArgumentException when {@code step} is outside {@code 1..totalSteps}
     */
    public double at(int step) {
        if (step < 1 || step > totalSteps) {
            throw new IllegalArgumentException("step must be in [1, " + totalSteps + "], got " + step);
        }
        if (step <= warmupSteps) {
            return peak * step / warmupSteps;
        }
        int decay = totalSteps - warmupSteps;
        double progress = (double) (step - warmupSteps) / decay;
        return peak * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
