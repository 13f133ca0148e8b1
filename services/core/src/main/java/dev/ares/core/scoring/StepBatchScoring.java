package dev.ares.core.scoring;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.aepo.AepoScorer;
import dev.ares.core.aepo.BatchResult;
import dev.ares.core.aepo.BucketTargets;
import dev.ares.core.aepo.ControllerState;
import dev.ares.core.aepo.GroupInput;
import dev.ares.core.aepo.GroupResult;
import dev.ares.core.aepo.TrajectoryInput;
import dev.ares.core.aepo.TrajectoryResult;
import dev.ares.core.protocol.BatchStats;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.Trajectory;
import dev.ares.core.protocol.TrajectoryScore;
import dev.ares.core.protocol.WindowSpan;
import dev.ares.core.verify.BudgetedVerifier;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Scores the groups of one step as one batch, in the order of aepo-spec §14: verification of each trajectory's
 * decoded text against the group's reference answer (accuracy, spec §10) and the format check (logged; weight
 * per config), both within the time and size budget of {@link BudgetedVerifier} (accuracy and format 0 when a
 * response cannot be checked in time), then {@link AepoScorer#scoreBatch} (window entropies, threshold, HWE events, pass rates and buckets,
 * targets, shaping after bucketing, overall reward, online filter, GRPO advantages, next controller state), then
 * the protocol records. Stateless; the caller carries the controller state.
 */
final class StepBatchScoring {
    private StepBatchScoring() {
    }

    /**
     * The scored batch and the controller state the next step of the run starts from.
     *
     * @param batch the record to publish on {@code ares.scored}
     * @param next  {@link BatchResult#state()}, also flattened into {@code batch.stats().controllerState()}
     */
    record Outcome(ScoredBatch batch, ControllerState next) {
    }

    /**
     * @param runId   the run of every group
     * @param step    the learner step
     * @param groups  the step's groups (at least one), in arrival order; the batch keeps that order
     * @param state   controller state carried from the run's previous step
     * @param cfg     AEPO configuration
     * @param partial whether the straggler timeout closed the step before all its groups arrived
     * @return the batch and the next state
     * @throws dev.ares.core.aepo.AepoInputException when the AEPO library rejects the batch (e.g. no response long
     *     enough for a threshold statistic)
     */
    static Outcome score(String runId, long step, List<RolloutGroup> groups, ControllerState state, AepoConfig cfg,
                         boolean partial) {
        return score(runId, step, groups, state, cfg, partial, BudgetedVerifier.shared());
    }

    /** As {@link #score(String, long, List, ControllerState, AepoConfig, boolean)}, verifying with {@code verifier}. */
    static Outcome score(String runId, long step, List<RolloutGroup> groups, ControllerState state, AepoConfig cfg,
                         boolean partial, BudgetedVerifier verifier) {
        List<GroupInput> inputs = new ArrayList<>(groups.size());
        List<boolean[]> correct = new ArrayList<>(groups.size());
        List<boolean[]> format = new ArrayList<>(groups.size());
        for (RolloutGroup g : groups) {
            List<Trajectory> ts = g.trajectories();
            boolean[] acc = new boolean[ts.size()];
            boolean[] fmt = new boolean[ts.size()];
            List<TrajectoryInput> tin = new ArrayList<>(ts.size());
            for (int i = 0; i < ts.size(); i++) {
                Trajectory t = ts.get(i);
                // Budgeted (reliability.md scenario 8): a pathological response scores 0 within the budget
                // instead of holding or crashing the consumer thread.
                BudgetedVerifier.Outcome checked = verifier.check(t.text(), g.referenceAnswer());
                acc[i] = checked.correct();
                fmt[i] = checked.format();
                tin.add(new TrajectoryInput(acc[i], fmt[i], t.entropies(), t.triggers(), t.length()));
            }
            inputs.add(new GroupInput(g.groupId(), tin));
            correct.add(acc);
            format.add(fmt);
        }
        BatchResult result = AepoScorer.scoreBatch(inputs, state, cfg);

        List<ScoredGroup> scored = new ArrayList<>(groups.size());
        for (int gi = 0; gi < groups.size(); gi++) {
            RolloutGroup g = groups.get(gi);
            GroupResult gr = result.groups().get(gi);
            List<Trajectory> ts = g.trajectories();
            List<TrajectoryScore> scores = new ArrayList<>(ts.size());
            for (int i = 0; i < ts.size(); i++) {
                TrajectoryResult tr = gr.trajectories().get(i);
                scores.add(new TrajectoryScore(ts.get(i).trajectoryId(), correct.get(gi)[i] ? 1.0 : 0.0,
                        format.get(gi)[i] ? 1.0 : 0.0, tr.hweCount(), spans(tr.hweSpans()), tr.entropyReward(),
                        tr.overall(), tr.advantage()));
            }
            scored.add(new ScoredGroup(g.groupId(), gr.passRate(), bucket(gr.bucket()), gr.keep(), scores, g));
        }
        BatchStats stats = new BatchStats(result.stats().tauUsed(), targets(result.stats().targets()),
                ControllerStateMap.flatten(result.state()));
        return new Outcome(new ScoredBatch(runId, step, scored, stats, partial), result.state());
    }

    /** Flattened [start, endExclusive, …] token spans to window records. */
    static List<WindowSpan> spans(int[] flat) {
        if (flat.length % 2 != 0) {
            throw new IllegalStateException("HWE spans must come in [start, end) pairs, got " + flat.length
                    + " values");
        }
        List<WindowSpan> out = new ArrayList<>(flat.length / 2);
        for (int k = 0; k < flat.length; k += 2) {
            out.add(new WindowSpan(flat[k], flat[k + 1]));
        }
        return out;
    }

    static Bucket bucket(dev.ares.core.aepo.Bucket b) {
        return switch (b) {
            case EASY -> Bucket.EASY;
            case MEDIUM -> Bucket.MEDIUM;
            case HARD -> Bucket.HARD;
        };
    }

    /** Targets of the buckets that have one (a bucket without prompts in the batch has none). */
    static Map<Bucket, Double> targets(BucketTargets t) {
        Map<Bucket, Double> out = new EnumMap<>(Bucket.class);
        for (int d = 0; d < 3; d++) {
            double v = t.getOrNaN(d);
            if (!Double.isNaN(v)) {
                out.put(bucket(dev.ares.core.aepo.Bucket.of(d)), v);
            }
        }
        return out;
    }
}
