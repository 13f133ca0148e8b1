package dev.ares.model.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ares.core.learner.DedupeLedger;
import dev.ares.core.learner.LearnerMode;
import dev.ares.core.learner.Triage;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.Trajectory;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.train.TokenScorer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PolicyTrainer} on the qwen2-tiny fixture. */
class PolicyTrainerTest {
    QwenModel policy;
    QwenModel reference;

    @BeforeAll
    static void threads() {
        FixedThreads.pin();
    }

    @BeforeEach
    void load() {
        policy = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu());
        reference = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu());
    }

    @AfterEach
    void close() {
        policy.close();
        reference.close();
    }

    static List<Triage.TrainableGroup> all(ScoredBatch b) {
        return Triage.of(b, b.runId(), 0, 1, new DedupeLedger(), 4).trainable();
    }

    /** Sum of log π over a trajectory's response tokens, recomputed independently of the trainer. */
    static double seqLogp(QwenModel m, int[] prompt, Trajectory t) {
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
            NDArray lp = TokenScorer.score(m, mg.create(in, sh), mg.create(pos, sh), mg.ones(sh), mg.create(tg, sh), 1.0)
                    .logprobs();
            float[] v = lp.toFloatArray();
            double sum = 0;
            for (int j = 0; j < t.length(); j++) {
                sum += v[prompt.length - 1 + j];
            }
            return sum;
        }
    }

    @Test
    void aStepMovesPositiveAdvantageTokensUpAndNegativeOnesDown() {
        ScoredBatch b = LearnerBatches.batch("r", 0, 3, 4, 0, 1);
        PolicyTrainer tr = new PolicyTrainer(policy, reference, TrainerConfig.defaults(LearnerMode.IID, 1e-3, 64, 1.0));
        var g = b.groups().get(0);
        int[] prompt = g.rollout().promptTokenIds();
        Trajectory up = g.rollout().trajectories().get(0);      // advantage +1
        Trajectory down = g.rollout().trajectories().get(1);    // advantage -1
        double up0 = seqLogp(policy, prompt, up);
        double down0 = seqLogp(policy, prompt, down);
        StepMetrics m = tr.step(b, all(b));
        assertTrue(m.stepped());
        assertEquals(b.groups().stream().mapToLong(x -> x.rollout().totalTokens()).sum(), m.tokens());
        assertTrue(m.gradNorm() > 0);
        assertTrue(seqLogp(policy, prompt, up) > up0, "positive advantage: log pi up");
        assertTrue(seqLogp(policy, prompt, down) < down0, "negative advantage: log pi down");
        assertEquals(up0, seqLogp(reference, prompt, up), 0.0, "the reference never moves");
    }

    @Test
    void aStepRunsOnAFreshThreadWhereAutogradStartsEnabled() throws Exception {
        ScoredBatch b = LearnerBatches.batch("r", 0, 2, 2, 0, 5);
        PolicyTrainer tr = new PolicyTrainer(policy, reference, TrainerConfig.defaults(LearnerMode.IID, 1e-3, 64, 1.0));
        java.util.concurrent.atomic.AtomicReference<Object> out = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                out.set(tr.step(b, all(b)));
            } catch (RuntimeException e) {
                out.set(e);
            }
        });
        t.start();
        t.join();
        assertTrue(out.get() instanceof StepMetrics m && m.stepped(), String.valueOf(out.get()));
    }

    @Test
    void repeatedStepsOnAFixedBatchReduceTheLoss() {
        ScoredBatch b = LearnerBatches.batch("r", 0, 3, 4, 0, 2);
        PolicyTrainer tr = new PolicyTrainer(policy, reference, TrainerConfig.defaults(LearnerMode.GRPO, 1e-3, 1 << 20, 1.0));
        double first = tr.step(b, all(b)).loss();
        double second = tr.step(b, all(b)).loss();
        double third = tr.step(b, all(b)).loss();
        assertTrue(second < first && third < second, first + " -> " + second + " -> " + third);
    }

    @Test
    void microBatchingGivesTheSameUpdateAsOneBatch() {
        ScoredBatch b = LearnerBatches.batch("r", 0, 3, 4, 0, 3);
        TrainerConfig small = TrainerConfig.defaults(LearnerMode.HWE_BRANCH, 1e-3, 24, 1.0);
        TrainerConfig big = TrainerConfig.defaults(LearnerMode.HWE_BRANCH, 1e-3, 1 << 20, 1.0);
        assertTrue(TrainingRow.pack(TrainingRow.of(b, all(b), 4, small.windowMode()), 24).size() > 3);
        StepMetrics a = new PolicyTrainer(policy, reference, small).step(b, all(b));
        try (QwenModel other = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu())) {
            StepMetrics c = new PolicyTrainer(other, reference, big).step(b, all(b));
            assertEquals(c.loss(), a.loss(), 1e-5);
            assertEquals(c.gradNorm(), a.gradNorm(), 1e-4 * c.gradNorm());
            float[] x = policy.parameters().get("lm_head.weight").toFloatArray();
            float[] y = other.parameters().get("lm_head.weight").toFloatArray();
            double maxDiff = 0;
            for (int i = 0; i < x.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
            }
            assertTrue(maxDiff < 1e-6, "max weight difference " + maxDiff);
        }
    }

    @Test
    void theKappaControllerMovesAfterAStepAndNothingTrainableLeavesWeightsAlone() {
        ScoredBatch b = LearnerBatches.batch("r", 0, 3, 4, 0, 4);
        PolicyTrainer tr = new PolicyTrainer(policy, reference, TrainerConfig.defaults(LearnerMode.IID, 1e-2, 256, 1.0));
        assertEquals(1.0, tr.klState().get("kappa.easy"));
        tr.step(b, all(b));
        // first step: pi_theta == pi_ref bit for bit, so k3 = 0 and the non-window signal is 0:
        // kappa_d = 1 * (1 + 0.1 * (0 / 0.01 - 1)) = 0.9 for every bucket present (spec §7.1, Alg. 1 line 24)
        assertEquals(0.9, tr.klState().get("kappa.easy"), 1e-12);
        assertEquals(0.9, tr.klState().get("kappa.hard"), 1e-12);
        tr.step(b, all(b));
        double k = tr.klState().get("kappa.easy");
        assertTrue(k != 0.9 * 0.9, "second step: pi moved, the signal is positive, kappa = " + k);
        float[] before = policy.parameters().get("model.norm.weight").toFloatArray();
        StepMetrics none = tr.step(b, List.of());
        assertFalse(none.stepped());
        assertEquals(java.util.Arrays.toString(before),
                java.util.Arrays.toString(policy.parameters().get("model.norm.weight").toFloatArray()));
    }
}
