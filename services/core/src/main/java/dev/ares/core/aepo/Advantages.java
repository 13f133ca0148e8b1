package dev.ares.core.aepo;

/** Group-relative (GRPO) outcome advantages (spec §8, §14 {@code grpo_advantage}). */
public final class Advantages {
    private Advantages() {
    }

    /**
     * A_i = (R_i − mean_g R) / (std_g R + eps), std unbiased (N − 1) by default as in torch. A group of one response
     * has no relative signal and gets A = 0 (documented project choice; torch's unbiased std would be NaN).
     *
     * @param r [B] overall rewards
     * @param groupId [B] dense group index
     * @param groups number of groups
     * @param eps added to the std (1e−6)
     * @param unbiased N − 1 (true) or N denominator
     * @return A[B], summing to 0 within each group (up to rounding)
     */
    public static double[] grpoAdvantage(double[] r, int[] groupId, int groups, double eps, boolean unbiased) {
        Checks.length(groupId.length, r.length, "groupId");
        double[] sum = new double[groups];
        int[] cnt = new int[groups];
        for (int i = 0; i < r.length; i++) {
            Checks.finite(r[i], "reward[" + i + "]");
            sum[groupId[i]] += r[i];
            cnt[groupId[i]]++;
        }
        double[] mean = new double[groups];
        for (int g = 0; g < groups; g++) {
            mean[g] = cnt[g] == 0 ? 0.0 : sum[g] / cnt[g];
        }
        double[] sq = new double[groups];
        for (int i = 0; i < r.length; i++) {
            double d = r[i] - mean[groupId[i]];
            sq[groupId[i]] += d * d;
        }
        double[] a = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            int g = groupId[i];
            if (cnt[g] < 2) {
                a[i] = 0.0;
                continue;
            }
            double std = Math.sqrt(sq[g] / (unbiased ? cnt[g] - 1 : cnt[g]));
            a[i] = (r[i] - mean[g]) / (std + eps);
        }
        return a;
    }

    /**
     * GRPO advantages of one group given as a slice (the scorer's form; no allocation).
     *
     * @param r rewards, positions from .. from+n−1
     * @param from first index
     * @param n group size
     * @param eps std epsilon
     * @param unbiased N − 1 denominator
     * @param out receives the advantages at the same positions
     */
    public static void grpoGroup(double[] r, int from, int n, double eps, boolean unbiased, double[] out) {
        if (n < 2) {
            for (int i = from; i < from + n; i++) {
                out[i] = 0.0;
            }
            return;
        }
        double s = 0.0;
        for (int i = from; i < from + n; i++) {
            s += r[i];
        }
        double mean = s / n;
        double sq = 0.0;
        for (int i = from; i < from + n; i++) {
            double d = r[i] - mean;
            sq += d * d;
        }
        double std = Math.sqrt(sq / (unbiased ? n - 1 : n));
        for (int i = from; i < from + n; i++) {
            out[i] = (r[i] - mean) / (std + eps);
        }
    }
}
