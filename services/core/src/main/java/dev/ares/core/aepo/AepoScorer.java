package dev.ares.core.aepo;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores one training batch in the order of spec §14 ("Stage 1 and ordering"): window entropies and per-sequence
 * quantiles → threshold τ → HWE events → pass rates and buckets → targets → shaping (after bucketing, fixing B1)
 * → overall reward → online filter → GRPO advantages → next controller state. Single-threaded, O(total tokens),
 * allocation-free in the token loops.
 */
public final class AepoScorer {
    /** α of the official defaults used when reproducing B1 ("everything is easy, target 0"). */
    public static final double OFFICIAL_B1_ALPHA = 0.5;

    private AepoScorer() {
    }

    /**
     * Scores a batch.
     *
     * @param groups the batch's groups (each a prompt's G trajectories); ids must be unique
     * @param state controller state from the previous batch ({@link ControllerState#initial(AepoConfig)} at first)
     * @param cfg configuration
     * @return per-group and per-trajectory scores, batch statistics and the new controller state
     * @throws AepoInputException on empty input, duplicate group ids or non-finite entropies (naming the group and
     *     trajectory)
     */
    public static BatchResult scoreBatch(List<GroupInput> groups, ControllerState state, AepoConfig cfg) {
        if (groups == null || groups.isEmpty()) {
            throw new AepoInputException("scoreBatch: no groups");
        }
        int nGroups = groups.size();
        int total = 0;
        int maxLen = 1;
        java.util.HashSet<String> ids = new java.util.HashSet<>();
        for (GroupInput g : groups) {
            if (!ids.add(g.groupId())) {
                throw new AepoInputException("scoreBatch: duplicate groupId " + g.groupId());
            }
            for (TrajectoryInput t : g.trajectories()) {
                maxLen = Math.max(maxLen, t.length());
                total++;
            }
        }
        int[] groupStart = new int[nGroups + 1];
        TrajectoryInput[] trajs = new TrajectoryInput[total];
        int k = 0;
        for (int gi = 0; gi < nGroups; gi++) {
            groupStart[gi] = k;
            for (TrajectoryInput t : groups.get(gi).trajectories()) {
                trajs[k++] = t;
            }
        }
        groupStart[nGroups] = total;

        Scratch s = new Scratch(maxLen);
        int w = cfg.window();
        Windows.Mode mode = cfg.windowMode();
        ThresholdConfig tc = cfg.threshold();

        // 1) per-sequence quantiles, and events when τ is already known
        String tauOrigin;
        Double known;
        if (tc.fixedTau() != null) {
            known = tc.fixedTau();
            tauOrigin = "fixed";
        } else if (tc.lagged() && state.tau() != null) {
            known = state.tau();
            tauOrigin = "state";
        } else {
            known = null;
            tauOrigin = "batch";
        }
        double[] q = new double[total];
        int[] n = new int[total];
        HweEvents.SeqStats[] stats = new HweEvents.SeqStats[total];
        int[][] spans = new int[total][];
        for (int i = 0; i < total; i++) {
            TrajectoryInput t = trajs[i];
            int nValid = windows(t, w, mode, s, groups, groupStart, i);
            q[i] = sequenceQuantile(t, nValid, tc, s);
            if (known != null) {
                events(t, nValid, known, cfg, s, stats, spans, i);
            }
        }
        double tauUsed;
        if (known != null) {
            tauUsed = known;
        } else {
            tauUsed = Threshold.batchThreshold(q, tc.reduce());
            for (int i = 0; i < total; i++) {
                TrajectoryInput t = trajs[i];
                int nValid = Windows.windowMean(t.entropies(), 0, t.length(), w, mode, s.prefix, s.means);
                events(t, nValid, tauUsed, cfg, s, stats, spans, i);
            }
        }
        for (int i = 0; i < total; i++) {
            n[i] = stats[i].count();
        }

        // 2) accuracy, pass rate, buckets
        RewardConfig rc = cfg.reward();
        boolean[] acc = new boolean[total];
        boolean[] fmt = new boolean[total];
        int[] respGroup = new int[total];
        for (int gi = 0; gi < nGroups; gi++) {
            for (int i = groupStart[gi]; i < groupStart[gi + 1]; i++) {
                acc[i] = trajs[i].correct();
                fmt[i] = trajs[i].formatOk();
                respGroup[i] = gi;
            }
        }
        double[] groupPass = new double[nGroups];
        int[] groupBucket = new int[nGroups];
        double[] groupMeanN = new double[nGroups];
        int[] respBucket = new int[total];
        for (int gi = 0; gi < nGroups; gi++) {
            int correct = 0;
            double sumN = 0;
            int size = groupStart[gi + 1] - groupStart[gi];
            for (int i = groupStart[gi]; i < groupStart[gi + 1]; i++) {
                correct += acc[i] ? 1 : 0;
                sumN += n[i];
            }
            groupPass[gi] = (double) correct / size;
            groupBucket[gi] = Buckets.bucket(groupPass[gi], rc.easyMin(), rc.mediumMin()).ordinal();
            groupMeanN[gi] = sumN / size;
            for (int i = groupStart[gi]; i < groupStart[gi + 1]; i++) {
                respBucket[i] = groupBucket[gi];
            }
        }

        // 3) targets and shaping (after bucketing)
        Buckets.BucketStats bs = Buckets.bucketStats(groupMeanN, groupBucket, n, respBucket);
        double[] batchTargets = Buckets.bucketTargets(bs.meanOfGroupMeans(), rc.roundTargets());
        double[] e;
        double[] usedTargets;
        BucketValues lambda = null;
        if (rc.officialB1AllEasy()) {
            int[] allEasy = new int[total];
            usedTargets = new double[] {0.0, 0.0, 0.0};
            e = EntropyShaping.shapingCode(n, usedTargets, allEasy, acc, BucketValues.all(OFFICIAL_B1_ALPHA),
                    rc.constants(), rc.orderingGuard());
        } else if (cfg.reading() == Reading.CODE) {
            usedTargets = batchTargets;
            e = EntropyShaping.shapingCode(n, usedTargets, respBucket, acc, state.alpha(), rc.constants(),
                    rc.orderingGuard());
        } else {
            usedTargets = state.laggedTargets().toArrayNaN();
            double[] lam = EntropyShaping.lambdaClosedForm(bs.responseMean(), bs.responseVariance(), usedTargets,
                    rc.lambdaEps());
            lambda = BucketValues.of(lam);
            e = EntropyShaping.shapingPaper(n, usedTargets, respBucket, acc, lam);
        }

        // 4) overall reward, filter, advantages
        double[] overall = Rewards.overallReward(acc, e, fmt, rc.formatWeight());
        boolean[] keep;
        if (rc.filterEnabled()) {
            double[] key = overall;
            if (rc.filterKey() == Rewards.FilterKey.ACCURACY) {
                key = new double[total];
                for (int i = 0; i < total; i++) {
                    key[i] = acc[i] ? 1.0 : 0.0;
                }
            }
            keep = Rewards.onlineFilter(key, respGroup, nGroups, rc.filterLow(), rc.filterHigh());
        } else {
            keep = new boolean[total];
            java.util.Arrays.fill(keep, true);
        }
        double[] adv = new double[total];
        for (int gi = 0; gi < nGroups; gi++) {
            Advantages.grpoGroup(overall, groupStart[gi], groupStart[gi + 1] - groupStart[gi], rc.advantageEps(),
                    rc.advantageUnbiased(), adv);
        }

        // 5) next controller state
        Double tauStat = keptStatistic(q, keep, tc.reduce());
        Double newTau = state.tau();
        if (tc.fixedTau() == null && tauStat != null) {
            newTau = state.tau() == null ? tauStat : Threshold.ema(state.tau(), tauStat, tc.emaDecay());
        }
        BucketValues newAlpha = state.alpha();
        if (cfg.reading() == Reading.CODE) {
            newAlpha = EntropyShaping.alphaUpdate(state.alpha(), bs.meanOfGroupMeans(), batchTargets, rc.alphaLr(),
                    rc.alphaMin(), rc.alphaMax());
        }
        double[] lagged = state.laggedTargets().toArrayNaN();
        for (int d = 0; d < 3; d++) {
            double fresh = bs.responseMean()[d];
            if (!Double.isNaN(fresh)) {
                lagged[d] = Double.isNaN(lagged[d]) ? fresh : Threshold.ema(lagged[d], fresh, rc.targetEmaDecay());
            }
        }
        ControllerState next = new ControllerState(state.step() + 1, newTau, newAlpha,
                BucketTargets.ofNullableNaN(lagged), state.beta(), state.kappa());

        // 6) assemble
        List<GroupResult> out = new ArrayList<>(nGroups);
        int keptGroups = 0;
        double sumAcc = 0;
        double sumOverall = 0;
        for (int gi = 0; gi < nGroups; gi++) {
            List<TrajectoryResult> tr = new ArrayList<>(groupStart[gi + 1] - groupStart[gi]);
            for (int i = groupStart[gi]; i < groupStart[gi + 1]; i++) {
                tr.add(new TrajectoryResult(n[i], stats[i].invalidTriggers(), stats[i].softCost(), spans[i], q[i],
                        e[i], overall[i], adv[i]));
                sumAcc += acc[i] ? 1 : 0;
                sumOverall += overall[i];
            }
            boolean kg = keep[groupStart[gi]];
            keptGroups += kg ? 1 : 0;
            out.add(new GroupResult(groups.get(gi).groupId(), groupPass[gi], Bucket.of(groupBucket[gi]), kg,
                    groupMeanN[gi], List.copyOf(tr)));
        }
        BatchStats batch = new BatchStats(cfg.reading(), tauUsed, tauOrigin, tauStat,
                BucketTargets.ofNullableNaN(usedTargets), lambda,
                rc.officialB1AllEasy() ? BucketValues.all(OFFICIAL_B1_ALPHA) : state.alpha(),
                BucketTargets.ofNullableNaN(bs.meanOfGroupMeans()), bs.prompts()[0], bs.prompts()[1],
                bs.prompts()[2], nGroups, keptGroups, sumAcc / total, sumOverall / total);
        return new BatchResult(List.copyOf(out), batch, next);
    }

    private static final class Scratch {
        final double[] prefix;
        final double[] means;
        final double[] values;
        final double[] work;
        final double[] range = new double[2];
        final boolean[] events;

        Scratch(int maxLen) {
            work = new double[maxLen + 1];
            prefix = new double[maxLen + 1];
            means = new double[maxLen + 1];
            values = new double[maxLen + 1];
            events = new boolean[maxLen + 1];
        }
    }

    private static int windows(TrajectoryInput t, int w, Windows.Mode mode, Scratch s, List<GroupInput> groups,
                               int[] groupStart, int index) {
        int nValid = Windows.windowMean(t.entropies(), 0, t.length(), w, mode, s.prefix, s.means, s.range);
        if (!Double.isFinite(s.prefix[t.length()])) {
            float[] h = t.entropies();
            for (int p = 0; p < t.length(); p++) {
                if (!Float.isFinite(h[p])) {
                    int gi = groupOf(groupStart, index);
                    throw new AepoInputException("group " + groups.get(gi).groupId() + ", trajectory "
                            + (index - groupStart[gi]) + ": entropy[" + p + "] = " + h[p] + " is not finite");
                }
            }
        }
        return nValid;
    }

    private static int groupOf(int[] groupStart, int index) {
        int gi = java.util.Arrays.binarySearch(groupStart, index);
        if (gi < 0) {
            return -gi - 2;
        }
        while (gi + 1 < groupStart.length && groupStart[gi + 1] == index) {
            gi++;
        }
        return gi;
    }

    private static double sequenceQuantile(TrajectoryInput t, int nValid, ThresholdConfig tc, Scratch s) {
        int len = t.length();
        if (nValid == 0 && tc.pad() == Quantiles.Pad.RUNNING_MEAN && tc.source() == Threshold.Source.WINDOW_MEAN) {
            // official list for a response without a complete window: [H_0, mean([H_0]), …]
            return len == 0 ? Double.NaN : t.entropies()[0];
        }
        if (tc.source() == Threshold.Source.TOKEN_ENTROPY) {
            if (len == 0) {
                return Double.NaN;
            }
            float[] h = t.entropies();
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < len; p++) {
                double v = h[p];
                s.values[p] = v;
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
            return Quantiles.quantileInRange(s.values, len, tc.quantile(), s.work, min, max);
        }
        if (nValid == 0) {
            return Double.NaN;
        }
        int count = nValid;
        if (tc.pad() == Quantiles.Pad.RUNNING_MEAN) {
            // the means array has room for len entries; padding goes after the complete windows
            count = Quantiles.padRunningMean(s.means, nValid, len);
        }
        // padding repeats the mean of the complete windows, which lies inside their [min, max]
        return Quantiles.quantileInRange(s.means, count, tc.quantile(), s.work, s.range[0], s.range[1]);
    }

    private static void events(TrajectoryInput t, int nValid, double tau, AepoConfig cfg, Scratch s,
                               HweEvents.SeqStats[] stats, int[][] spans, int i) {
        int len = t.length();
        java.util.Arrays.fill(s.events, 0, len, false);
        stats[i] = HweEvents.countSequence(t.entropies(), t.triggers(), 0, len, s.means, nValid, tau, cfg.hweRule(),
                s.events);
        if (stats[i].count() == 0) {
            spans[i] = new int[0];
        } else if (cfg.hweRule() == HweEvents.Rule.TOKEN_TRIGGER) {
            spans[i] = HweEvents.windowSpans(s.events, len, 1, Windows.Mode.FORWARD_INCLUSIVE);
        } else {
            spans[i] = HweEvents.windowSpans(s.events, len, cfg.window(), cfg.windowMode());
        }
    }

    private static Double keptStatistic(double[] q, boolean[] keep, Threshold.Reduce reduce) {
        double[] kept = new double[q.length];
        int m = 0;
        for (int i = 0; i < q.length; i++) {
            if (keep[i] && !Double.isNaN(q[i])) {
                kept[m++] = q[i];
            }
        }
        if (m == 0) {
            return null;
        }
        return Threshold.batchThreshold(java.util.Arrays.copyOf(kept, m), reduce);
    }
}
