package dev.ares.core.aepo;

/** Stage 1 AdaCS length targeting (spec §9, §14 "Stage 1"). Lengths are in tokens. */
public final class ColdStart {
    private ColdStart() {
    }

    /**
     * L_target(p) = (1 − p)·L(0) + p·L(1) (spec §9).
     *
     * @param p pass rate in [0, 1]
     * @param l0 median response length of the source's problems with p = 0
     * @param l1 median response length of the source's problems with p = 1
     * @return the target length in tokens
     */
    public static double coldstartTargetLength(double p, double l0, double l1) {
        Checks.inRange(p, 0.0, 1.0, "p");
        return (1.0 - p) * l0 + p * l1;
    }

    /**
     * Index of the candidate whose length is closest to the target (ties: the first) (spec §9 "Selection").
     *
     * @param candidateLengths lengths of the candidate responses, tokens
     * @param target target length, tokens
     * @return index into {@code candidateLengths}
     */
    public static int selectByLength(int[] candidateLengths, double target) {
        if (candidateLengths.length == 0) {
            throw new AepoInputException("selectByLength: no candidates");
        }
        int best = 0;
        double bestDist = Math.abs(candidateLengths[0] - target);
        for (int i = 1; i < candidateLengths.length; i++) {
            double d = Math.abs(candidateLengths[i] - target);
            if (d < bestDist) {
                best = i;
                bestDist = d;
            }
        }
        return best;
    }
}
