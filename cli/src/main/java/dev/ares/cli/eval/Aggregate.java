package dev.ares.cli.eval;

import java.util.Collection;

/**
 * Accuracy and mean response length over a group of problems, counted per sample.
 *
 * @param problems   problems in the group
 * @param samples    graded responses in the group (problems × k)
 * @param correct    correct responses
 * @param tokens     total response tokens
 */
public record Aggregate(int problems, int samples, int correct, long tokens) {

    /** Sums the samples of {@code results}. */
    public static Aggregate of(Collection<ProblemResult> results) {
        int n = 0;
        int s = 0;
        int c = 0;
        long t = 0;
        for (ProblemResult r : results) {
            n++;
            for (ProblemResult.GradedResponse g : r.samples()) {
                s++;
                c += g.correct() ? 1 : 0;
                t += g.tokens();
            }
        }
        return new Aggregate(n, s, c, t);
    }

    /** Correct / samples, NaN for an empty group. */
    public double accuracy() {
        return samples == 0 ? Double.NaN : (double) correct / samples;
    }

    /** Mean response length in tokens, NaN for an empty group. */
    public double meanTokens() {
        return samples == 0 ? Double.NaN : (double) tokens / samples;
    }
}
