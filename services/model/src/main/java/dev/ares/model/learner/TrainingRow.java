package dev.ares.model.learner;

import dev.ares.core.aepo.HweEvents;
import dev.ares.core.aepo.Windows;
import dev.ares.core.learner.Triage;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.Trajectory;
import dev.ares.core.protocol.TrajectoryScore;
import dev.ares.core.protocol.WindowSpan;
import dev.ares.model.vision.ImageFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * One trajectory as the loss sees it (host side, before padding): the prompt and response token ids, and per
 * response token the behaviour log-probability and whether it lies in a validated HWE window; per trajectory the
 * advantage, bucket, correctness and HWE soft cost.
 *
 * @param ids            prompt ids followed by response ids (length P + T)
 * @param promptLength   P, {@code >= 1} (a response token is predicted from the position before it)
 * @param behaviourLogp  [T] log π_old of each response token (from the rollout), nats
 * @param window         [T] inside a validated HWE window (from the scorer's window spans)
 * @param advantage      group-relative advantage (from the scorer)
 * @param bucket         difficulty bucket index 0 easy, 1 medium, 2 hard
 * @param correct        accuracy {@code >= 0.5}
 * @param softCost       Σ max(0, H̄ − τ) over triggers with a complete window (second-chance KL), nats
 * @param reward         overall shaped reward (metrics)
 * @param hweCount       validated HWE events (metrics)
 * @param images         the processed images the prompt's image-pad runs stand for (the group's, shared by its
 *                       rows), or null for a text row
 */
public record TrainingRow(int[] ids, int promptLength, float[] behaviourLogp, boolean[] window, double advantage,
                          int bucket, boolean correct, double softCost, double reward, int hweCount,
                          ImageFeatures images) {

    /** A text row. */
    public TrainingRow(int[] ids, int promptLength, float[] behaviourLogp, boolean[] window, double advantage,
                       int bucket, boolean correct, double softCost, double reward, int hweCount) {
        this(ids, promptLength, behaviourLogp, window, advantage, bucket, correct, softCost, reward, hweCount, null);
    }

    /** Response length T. */
    public int responseLength() {
        return ids.length - promptLength;
    }

    /** Number of input columns (P + T − 1): position c predicts token c + 1. */
    public int columns() {
        return ids.length - 1;
    }

    /**
     * The rows of a batch's trainable groups, in group order and trajectory order within a group, skipping the
     * trajectories the triage masked out and trajectories with an empty response.
     *
     * @param batch      the scored batch (for the HWE threshold)
     * @param groups     the trainable groups
     * @param window     HWE window width for the soft cost
     * @param windowMode HWE window placement for the soft cost
     * @throws IllegalArgumentException when a group has no prompt tokens
     */
    public static List<TrainingRow> of(ScoredBatch batch, List<Triage.TrainableGroup> groups, int window,
                                       Windows.Mode windowMode) {
        return of(batch, groups, window, windowMode, GroupImages.NONE);
    }

    /**
     * As {@link #of(ScoredBatch, List, int, Windows.Mode)}, each row carrying its group's images ({@code images}
     * is asked once per group that has a row).
     */
    public static List<TrainingRow> of(ScoredBatch batch, List<Triage.TrainableGroup> groups, int window,
                                       Windows.Mode windowMode, GroupImages images) {
        double tau = batch.stats().hweThreshold();
        List<TrainingRow> rows = new ArrayList<>();
        for (Triage.TrainableGroup tg : groups) {
            ScoredGroup g = tg.group();
            int[] prompt = g.rollout().promptTokenIds();
            if (prompt.length == 0) {
                throw new IllegalArgumentException("group " + g.groupId() + " of step " + batch.step()
                        + " has no prompt tokens: the learner cannot score its first response token");
            }
            List<Trajectory> trajs = g.rollout().trajectories();
            ImageFeatures groupImages = null;
            boolean asked = false;
            for (int i = 0; i < trajs.size(); i++) {
                Trajectory t = trajs.get(i);
                if (!tg.include()[i] || t.length() == 0) {
                    continue;
                }
                if (!asked) {
                    groupImages = images.of(g);
                    asked = true;
                }
                TrajectoryScore s = g.trajectories().get(i);
                int[] ids = new int[prompt.length + t.length()];
                System.arraycopy(prompt, 0, ids, 0, prompt.length);
                System.arraycopy(t.tokenIds(), 0, ids, prompt.length, t.length());
                boolean[] win = new boolean[t.length()];
                for (WindowSpan w : s.hweWindows()) {
                    for (int k = w.start(); k < w.end(); k++) {
                        win[k] = true;
                    }
                }
                rows.add(new TrainingRow(ids, prompt.length, t.sampledLogprobs(), win, s.advantage(),
                        g.bucket().ordinal(), s.accuracy() >= 0.5, softCost(t, tau, window, windowMode), s.reward(),
                        s.hweCount(), groupImages));
            }
        }
        return rows;
    }

    /** Official {@code reasoning_soft_cost} of one trajectory at threshold τ (spec §7.2 second chance). */
    static double softCost(Trajectory t, double tau, int w, Windows.Mode mode) {
        float[] h = t.entropies();
        double[] means = Windows.windowMean(h, w, mode);
        HweEvents.SeqStats st = HweEvents.countSequence(h, t.triggers(), 0, h.length, means, means.length, tau,
                HweEvents.Rule.WINDOW_TRIGGER, null);
        return st.softCost();
    }

    /**
     * Packs rows into micro-batches in order: a micro-batch grows while (rows + 1) × (longest columns) stays within
     * {@code tokenBudget}; a row longer than the budget travels alone.
     *
     * @return index ranges [from, to) into {@code rows}
     */
    public static List<int[]> pack(List<TrainingRow> rows, int tokenBudget) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        int longest = 0;
        for (int i = 0; i < rows.size(); i++) {
            int c = Math.max(longest, rows.get(i).columns());
            if (i > from && (long) (i - from + 1) * c > tokenBudget) {
                out.add(new int[] {from, i});
                from = i;
                c = rows.get(i).columns();
            }
            longest = c;
        }
        if (from < rows.size()) {
            out.add(new int[] {from, rows.size()});
        }
        return out;
    }
}
