package dev.ares.model.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ares.core.aepo.KlConfig;
import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.learner.DedupeLedger;
import dev.ares.core.learner.LearnerMode;
import dev.ares.core.learner.Outcome;
import dev.ares.core.learner.StalePolicy;
import dev.ares.core.learner.Triage;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.Trajectory;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.train.TokenScorer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenario 6 (tier U): trajectories with {@code policyVersion = current − (maxStaleness + 1)} are
 * dropped or diverted (configurable) and counted; in-bound ones (down to {@code current − maxStaleness}) are
 * trained with importance weights truncated at the configured cap; no out-of-bound sample affects the gradient.
 */
class Scenario06StaleTrajectoriesTest {
    static final String RUN = ModelLearnerLoopTest.RUN;
    static final double[] ADV = {1.0, -0.5, 0.25};

    @TempDir
    Path tmp;

    @BeforeAll
    static void threads() {
        FixedThreads.pin();
    }

    static ScoredGroup g(long step, String name, long version, long seed) {
        return LearnerBatches.group(RUN, step, 5, RUN + "-s" + step + "-" + name, version, ADV, (int) seed, seed);
    }

    /** Brings a fresh loop (max staleness 1, a checkpoint per step) to policy version 2 with two identical steps. */
    static ModelLearnerLoop atVersion2(Path root, StalePolicy policy) {
        ModelLearnerLoop loop = ModelLearnerLoopTest.open(ModelLearnerLoopTest.settings(root, 1, 1, 0)
                .withStalePolicy(policy));
        loop.train(LearnerBatches.batch(RUN, 0, 3, 4, 0, 21), 0, 0);
        loop.train(LearnerBatches.batch(RUN, 1, 3, 4, 1, 21), 0, 1);
        assertEquals(2, loop.book().policyVersion());
        return loop;
    }

    @Test
    void outOfBoundGroupsAreCountedAndDoNotAffectTheGradient() {
        // step 2 at policy version 2 with max staleness 1: v1 (= 2 - 1) and v2 are in bound, v0 (= 2 - 2) is not
        List<ScoredGroup> fresh = List.of(g(2, "a", 2, 1), g(2, "c", 1, 3), g(2, "e", 2, 5));
        List<ScoredGroup> mixed = List.of(fresh.get(0), g(2, "b", 0, 2), fresh.get(1), g(2, "d", 0, 4), fresh.get(2));
        LearnerLoop.StepOutcome withStale;
        LearnerLoop.StepOutcome without;
        Map<String, float[]> weightsWithStale;
        Map<String, float[]> weightsWithout;
        try (ModelLearnerLoop loop = atVersion2(tmp.resolve("mixed"), StalePolicy.DROP)) {
            withStale = loop.train(LearnerBatches.of(RUN, 2, mixed), 0, 2);
            weightsWithStale = ModelLearnerLoopTest.weights(loop.policy());
            assertEquals(2, loop.book().accounting().groups(Outcome.STALE));
            assertEquals(3, loop.book().accounting().groups(Outcome.TRAINED) - 6, "3 groups of step 2 trained");
        }
        try (ModelLearnerLoop loop = atVersion2(tmp.resolve("fresh"), StalePolicy.DROP)) {
            without = loop.train(LearnerBatches.of(RUN, 2, fresh), 0, 2);
            weightsWithout = ModelLearnerLoopTest.weights(loop.policy());
        }
        Map<String, Double> m = withStale.event().metrics();
        assertEquals(2.0, m.get("outcome/groups/stale"));
        assertEquals(6.0, m.get("outcome/trajectories/stale"));
        assertEquals(3.0, m.get("outcome/groups/trained"));
        assertFalse(m.containsKey("stale/diverted_groups"), "dropping diverts nothing");
        // the gradient (its norm before clipping), the loss and the resulting weights are those of the fresh groups alone
        for (String k : List.of("grad/norm", "loss/total", "loss/policy", "kl/mean", "train/tokens",
                "advantage/mean", "advantage/std")) {
            assertEquals(without.event().metrics().get(k), m.get(k), k);
        }
        ModelLearnerLoopTest.assertSameWeights(weightsWithout, weightsWithStale);
    }

    @Test
    void divertedGroupsReachTheSinkAndAreCountedAsStale() {
        List<ScoredBatch> diverted = new ArrayList<>();
        try (ModelLearnerLoop loop = atVersion2(tmp, StalePolicy.DIVERT)) {
            loop.setStaleSink(diverted::add);
            List<ScoredGroup> mixed = List.of(g(2, "a", 2, 1), g(2, "b", 0, 2), g(2, "d", 0, 4));
            LearnerLoop.StepOutcome out = loop.train(LearnerBatches.of(RUN, 2, mixed), 0, 2);
            assertEquals(1, diverted.size());
            ScoredBatch d = diverted.get(0);
            assertEquals(RUN, d.runId());
            assertEquals(2, d.step());
            assertEquals(List.of(RUN + "-s2-b", RUN + "-s2-d"), d.groups().stream().map(ScoredGroup::groupId).toList());
            assertEquals(2.0, out.event().metrics().get("stale/diverted_groups"));
            assertEquals(2.0, out.event().metrics().get("outcome/groups/stale"));
            assertEquals(1.0, out.event().metrics().get("outcome/groups/trained"));
            // a redelivery of the same batch diverts nothing more: the stale groups already have their outcome
            loop.train(LearnerBatches.of(RUN, 2, mixed), 0, 2);
            assertEquals(1, diverted.size());
            assertEquals(2, loop.book().accounting().groups(Outcome.STALE));
        }
    }

    @Test
    void stalePolicyParsesAndRejectsUnknownValuesNamingTheKey() {
        assertEquals(StalePolicy.DIVERT, StalePolicy.parse(" Divert "));
        assertEquals(StalePolicy.DROP, StalePolicy.parse("drop"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> StalePolicy.parse("keep"));
        assertTrue(e.getMessage().startsWith("ares.learner.stale-policy"), e.getMessage());
    }

    /** The surrogate alone (KL coefficient 0) with importance weights truncated at {@code cap}. */
    static TrainerConfig surrogateOnly(double cap) {
        KlConfig p = KlConfig.paper();
        KlConfig noKl = new KlConfig(p.estimator(), 0.0, p.aggregation(), p.controller(), p.betaInit(), p.rho(),
                p.secondChance(), p.secondChanceFactor(), p.secondChanceMinSoftCost(), p.betaTarget(), p.betaEmaRate(),
                p.betaDeadZone(), p.betaStep(), p.betaErrClip(), p.betaMin(), p.betaMax(), p.betaUpdateEvery(),
                p.kappaInit(), p.kappaDelta(), p.kappaStep(), p.kappaMin(), p.kappaMax());
        return TrainerConfig.defaults(LearnerMode.HWE_BRANCH, 1e-3, 4096, 1.0).withKl(noKl).withImportanceWeightCap(cap);
    }

    /** Per-token log π of a trajectory's response under {@code m}, recomputed outside the trainer. */
    static float[] responseLogp(QwenModel m, int[] prompt, Trajectory t) {
        int[] ids = new int[prompt.length + t.length()];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        System.arraycopy(t.tokenIds(), 0, ids, prompt.length, t.length());
        int c = ids.length - 1;
        long[] in = new long[c];
        long[] tg = new long[c];
        long[] pos = new long[c];
        for (int i = 0; i < c; i++) {
            in[i] = ids[i];
            tg[i] = ids[i + 1];
            pos[i] = i;
        }
        try (NDManager mg = m.manager().newSubManager(); ai.djl.ndarray.NDScope s = new ai.djl.ndarray.NDScope()) {
            Shape sh = new Shape(1, c);
            float[] v = TokenScorer.score(m, mg.create(in, sh), mg.create(pos, sh), mg.ones(sh), mg.create(tg, sh), 1.0)
                    .logprobs().toFloatArray();
            float[] out = new float[t.length()];
            System.arraycopy(v, prompt.length - 1, out, 0, out.length);
            return out;
        }
    }

    /**
     * A one-group batch whose behaviour log-probs are the current policy's shifted by {@code shift} nats, so the
     * untruncated importance weight π_prox / π_behaviour of every token is exp(shift).
     */
    static ScoredBatch shifted(QwenModel m, double shift) {
        ScoredGroup base = g(0, "w", 0, 9);
        List<Trajectory> ts = new ArrayList<>();
        for (Trajectory t : base.rollout().trajectories()) {
            float[] lp = responseLogp(m, base.rollout().promptTokenIds(), t);
            for (int i = 0; i < lp.length; i++) {
                lp[i] = (float) (lp[i] - shift);
            }
            ts.add(new Trajectory(t.trajectoryId(), t.tokenIds(), t.text(), lp, lp, t.entropies(), t.triggers(),
                    t.branchParent(), t.branchPosition(), t.finishReason(), t.policyVersion(), t.timings()));
        }
        var r = base.rollout();
        var rg = new dev.ares.core.protocol.RolloutGroup(r.runId(), r.step(), r.groupsInStep(), r.groupId(), r.requestId(),
                r.referenceAnswer(), r.source(), r.sampling(), r.promptTokenIds(), ts);
        return LearnerBatches.of(RUN, 0, List.of(new ScoredGroup(base.groupId(), base.passRate(), base.bucket(), true,
                base.trajectories(), rg)));
    }

    /** Policy loss, gradient norm and importance metrics of one step from the fixture with the given shift. */
    static StepMetrics stepWithShift(double cap, double shift) {
        try (QwenModel policy = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu());
             QwenModel reference = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu())) {
            ScoredBatch b = shifted(policy, shift);
            PolicyTrainer t = new PolicyTrainer(policy, reference, surrogateOnly(cap));
            return t.step(b, Triage.of(b, RUN, 0, 1, new DedupeLedger(), 3).trainable());
        }
    }

    @Test
    void inBoundTokensCarryImportanceWeightsTruncatedAtTheCap() {
        double cap = 2.0;
        double meanAdv = (ADV[0] + ADV[1] + ADV[2]) / 3;
        StepMetrics one = stepWithShift(cap, 0.0);                 // π_prox / π_behaviour = 1
        StepMetrics below = stepWithShift(cap, Math.log(1.5));     // = 1.5 < cap: kept
        StepMetrics above = stepWithShift(cap, 40.0);              // = e^40 > cap: truncated to the cap
        // seq-mean-token-mean surrogate at ratio 1 (one optimizer epoch): L = -(1/G) Σ_i A_i w
        assertEquals(-meanAdv, one.policyLoss(), 1e-4);
        assertEquals(-1.5 * meanAdv, below.policyLoss(), 1e-4);
        assertEquals(-cap * meanAdv, above.policyLoss(), 1e-6);
        // the weight is a constant factor of every token's gradient
        assertEquals(1.5, below.gradNorm() / one.gradNorm(), 1e-3);
        assertEquals(cap, above.gradNorm() / one.gradNorm(), 1e-5);
        assertEquals(1.0, one.controller().get("is/weight_mean"), 1e-4);
        assertEquals(1.5, below.controller().get("is/weight_mean"), 1e-4);
        assertEquals(0.0, below.controller().get("is/truncated_fraction"));
        assertEquals(cap, above.controller().get("is/weight_mean"), 1e-6);
        assertEquals(1.0, above.controller().get("is/truncated_fraction"));
        // without a cap the surrogate takes the behaviour ratio itself (spec §8), and reports no importance metrics
        StepMetrics off = stepWithShift(0.0, 40.0);
        assertFalse(off.controller().containsKey("is/weight_mean"));
        // ratio e^40: A > 0 tokens take the clipped branch -A (1 + 0.3), the A < 0 one the dual-clip bound -3 A
        double clipped = (-ADV[0] * 1.3 + -3 * ADV[1] + -ADV[2] * 1.3) / 3;
        assertEquals(clipped, off.policyLoss(), 1e-5);
    }

    @Test
    void aCapBelowOneIsRejectedNamingTheKey() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> surrogateOnly(0.5));
        assertTrue(e.getMessage().startsWith("ares.learner.importance-weight-cap"), e.getMessage());
    }
}
