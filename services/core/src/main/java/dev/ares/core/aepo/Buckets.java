package dev.ares.core.aepo;

/** Pass rates, difficulty buckets and per-bucket HWE targets (spec §5, §6.1, §14 "Buckets and rewards"). */
public final class Buckets {
    private Buckets() {
    }

    /**
     * Group pass rate broadcast to each response (spec §14 {@code pass_rate}; paper App. G Eq. 9).
     *
     * @param acc [B] correctness of each response
     * @param groupId [B] dense group index 0 .. groups−1 of each response
     * @param groups number of groups
     * @return p[B] in [0, 1], the fraction of correct responses in the response's group
     */
    public static double[] passRate(boolean[] acc, int[] groupId, int groups) {
        Checks.length(groupId.length, acc.length, "groupId");
        int[] correct = new int[groups];
        int[] total = new int[groups];
        for (int i = 0; i < acc.length; i++) {
            int g = groupId[i];
            if (g < 0 || g >= groups) {
                throw new AepoInputException("groupId[" + i + "] = " + g + " outside [0, " + groups + ")");
            }
            total[g]++;
            if (acc[i]) {
                correct[g]++;
            }
        }
        double[] p = new double[acc.length];
        for (int i = 0; i < acc.length; i++) {
            p[i] = (double) correct[groupId[i]] / total[groupId[i]];
        }
        return p;
    }

    /**
     * Difficulty bucket from a pass rate (spec §5: easy if p ≥ easyMin, medium if p ≥ mediumMin, else hard;
     * with 8 rollouts and the defaults 2/3, 1/3 this is ≥6 / 3–5 / ≤2 correct). A tolerance of 1e−12 absorbs
     * rounding of k/G.
     *
     * @param p pass rate in [0, 1]
     * @param easyMin lower bound of easy (2/3 by default)
     * @param mediumMin lower bound of medium (1/3 by default)
     * @return the bucket
     */
    public static Bucket bucket(double p, double easyMin, double mediumMin) {
        Checks.inRange(p, 0.0, 1.0, "pass rate");
        if (p >= easyMin - 1e-12) {
            return Bucket.EASY;
        }
        return p >= mediumMin - 1e-12 ? Bucket.MEDIUM : Bucket.HARD;
    }

    /**
     * Vectorised {@link #bucket(double, double, double)}.
     *
     * @return bucket index [B] in {0 easy, 1 medium, 2 hard}
     */
    public static int[] bucket(double[] p, double easyMin, double mediumMin) {
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = bucket(p[i], easyMin, mediumMin).ordinal();
        }
        return out;
    }

    /**
     * Bucket statistics of the HWE counts over a batch (spec §6.1, §14 {@code bucket_targets}): per bucket, the
     * mean over the bucket's prompts of each prompt's mean N_HE (ḡ_d), the response-level mean and the
     * population variance of N_HE (used by the paper's λ_d), and the number of prompts.
     *
     * @param groupMean [groups] each prompt's mean N_HE
     * @param groupBucket [groups] each prompt's bucket index
     * @param n [B] N_HE per response
     * @param bucketOfResponse [B] bucket index per response
     * @return the per-bucket statistics; buckets without prompts have count 0 and NaN means
     */
    public static BucketStats bucketStats(double[] groupMean, int[] groupBucket, int[] n, int[] bucketOfResponse) {
        Checks.length(groupBucket.length, groupMean.length, "groupBucket");
        Checks.length(bucketOfResponse.length, n.length, "bucketOfResponse");
        double[] gSum = new double[3];
        int[] gCount = new int[3];
        for (int g = 0; g < groupMean.length; g++) {
            gSum[groupBucket[g]] += groupMean[g];
            gCount[groupBucket[g]]++;
        }
        double[] rSum = new double[3];
        double[] rSq = new double[3];
        int[] rCount = new int[3];
        for (int i = 0; i < n.length; i++) {
            int d = bucketOfResponse[i];
            rSum[d] += n[i];
            rCount[d]++;
        }
        double[] rMean = new double[3];
        for (int d = 0; d < 3; d++) {
            rMean[d] = rCount[d] == 0 ? Double.NaN : rSum[d] / rCount[d];
        }
        for (int i = 0; i < n.length; i++) {
            int d = bucketOfResponse[i];
            double x = n[i] - rMean[d];
            rSq[d] += x * x;
        }
        double[] groupMeanOfMeans = new double[3];
        double[] var = new double[3];
        for (int d = 0; d < 3; d++) {
            groupMeanOfMeans[d] = gCount[d] == 0 ? Double.NaN : gSum[d] / gCount[d];
            var[d] = rCount[d] == 0 ? Double.NaN : rSq[d] / rCount[d];
        }
        return new BucketStats(groupMeanOfMeans, rMean, var, gCount);
    }

    /**
     * Code target N_target(d) = round(ḡ_d) with Python's round-half-to-even (spec §6.1).
     *
     * @param meanOfGroupMeans [3] ḡ_d (NaN for an empty bucket)
     * @param round whether to round (the official code does)
     * @return [3] targets, NaN for an empty bucket
     */
    public static double[] bucketTargets(double[] meanOfGroupMeans, boolean round) {
        Checks.length(meanOfGroupMeans.length, 3, "meanOfGroupMeans");
        double[] t = new double[3];
        for (int d = 0; d < 3; d++) {
            double g = meanOfGroupMeans[d];
            t[d] = Double.isNaN(g) ? Double.NaN : (round ? Math.rint(g) : g);
        }
        return t;
    }

    /**
     * Per-bucket statistics of one batch.
     *
     * @param meanOfGroupMeans [3] ḡ_d, mean over prompts of each prompt's mean N_HE
     * @param responseMean [3] E_batch[N_HE | d] over responses
     * @param responseVariance [3] Var_batch[N_HE | d] (population variance) over responses
     * @param prompts [3] number of prompts per bucket
     */
    public record BucketStats(double[] meanOfGroupMeans, double[] responseMean, double[] responseVariance,
                              int[] prompts) {
    }
}
