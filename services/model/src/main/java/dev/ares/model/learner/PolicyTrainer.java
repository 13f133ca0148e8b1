package dev.ares.model.learner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.aepo.BetaControllerState;
import dev.ares.core.aepo.ControllerState;
import dev.ares.core.aepo.KlConfig;
import dev.ares.core.aepo.KlControllers;
import dev.ares.core.aepo.KlDivergence;
import dev.ares.core.aepo.Reading;
import dev.ares.core.learner.Triage;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.scoring.ControllerStateMap;
import dev.ares.model.loss.AepoLoss;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.vision.ImageFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One AEPO (or GRPO) optimizer step on a scored batch (architecture.md §4 step 4; aepo-spec §7, §8; paper Eq. 1–2,
 * Alg. 1 lines 17–24).
 *
 * <p>Per step: the included trajectories become rows {@code prompt + response} ({@link TrainingRow}); rows are
 * packed into micro-batches of at most {@code tokenBudget} padded tokens; for each micro-batch the reference
 * log-probabilities are computed without gradients, the policy's with gradients (both via {@link dev.ares.model.train.TokenScorer} at
 * the sampling temperature), and {@link AepoLoss} gives L = L_clip(π_θ / π_old) + coef · agg(β_{d(i)} · ρ^{W} · k3)
 * over response tokens only. Micro-batch losses are weighted so their sum equals the loss of the whole batch under
 * the configured aggregation (token share for token-mean, sequence share for seq-mean-token-mean); gradients
 * accumulate; then {@link LearnerOptimizer} clips the global norm and steps AdamW. Last, the per-bucket KL
 * controller (κ_d on the non-window signal, or the official log-β on the sequence-mean KL) is updated from the
 * step's statistics; the new scales apply from the next step.
 *
 * <p>Image groups (Qwen2.5-VL; docs/learner.md "Image groups"): with {@link #setImages} the rows of a group whose
 * prompt holds image pads carry the group's images, and a micro-batch with such rows is scored by one multimodal
 * forward (M-RoPE) for the policy and for the reference alike, so π_θ, π_old and π_ref all see the image the rollout
 * saw. A prompt with image pads whose images are unknown is refused, never scored as text. Whether the vision tower
 * trains is the policy's {@link Qwen25VlModel#setVisionTrainable} at construction (its parameters are then in the
 * optimizer).
 *
 * <p>Not thread-safe; the loop calls it from one thread.
 */
public final class PolicyTrainer {
    private static final String[] BUCKETS = {"easy", "medium", "hard"};
    private final QwenModel policy;
    private final QwenModel reference;
    private final TrainerConfig cfg;
    private final LearnerOptimizer optimizer;
    private ControllerState klState;
    private GroupImages images = GroupImages.NONE;
    private java.util.IdentityHashMap<ScoredGroup, ImageFeatures> prepared = new java.util.IdentityHashMap<>();
    private ScoredBatch preparedFor;

    /**
     * @param policy    the model to train (its parameters are updated in place)
     * @param reference the frozen reference π_ref (the initial policy); never updated
     */
    public PolicyTrainer(QwenModel policy, QwenModel reference, TrainerConfig cfg) {
        this(policy, reference, cfg, policy.parameters());
    }

    /**
     * A trainer that updates only {@code trainable} (e.g. the A and B factors of LoRA adapters attached to
     * {@code policy}; {@link dev.ares.model.lora.LoraAdapters#trainableParameters()}); the optimizer state then
     * holds moments for those arrays only.
     *
     * @param trainable the arrays to update, by name (all of {@code policy}'s parameters for full fine-tuning)
     */
    public PolicyTrainer(QwenModel policy, QwenModel reference, TrainerConfig cfg, Map<String, NDArray> trainable) {
        if (policy.config().vocabSize() != reference.config().vocabSize()) {
            throw new IllegalArgumentException("policy vocab " + policy.config().vocabSize() + " differs from the reference's "
                    + reference.config().vocabSize());
        }
        this.policy = policy;
        this.reference = reference;
        this.cfg = cfg;
        this.optimizer = new LearnerOptimizer(trainable, cfg, policy.manager());
        KlConfig kl = cfg.kl();
        this.klState = ControllerState.initial(AepoConfig.of(Reading.CODE)).withBeta(BetaControllerState.initial(kl))
                .withKappa(kl.kappaInit());
    }

    /**
     * Where the images of image groups come from ({@link GroupImages#NONE} by default: a group whose prompt holds
     * image pads is then refused).
     */
    public void setImages(GroupImages images) {
        this.images = java.util.Objects.requireNonNull(images, "images");
    }

    /**
     * Resolves the images of every trainable group before {@link #step} (docs/learner.md "Image groups"), so that one
     * group whose blob is missing, corrupt or undecodable costs only that group: the loop takes the returned groups
     * out of training ({@link Triage#withoutGroup}) and the next {@link #step} or {@link #policyLogprobs} on this
     * batch uses the images resolved here instead of reading them again.
     *
     * @param batch  the scored batch
     * @param groups its trainable groups
     * @return the failure of each group whose images could not be resolved, by group id, in group order (empty when
     *         every group's images are known or it has none)
     */
    public Map<String, RuntimeException> prepareImages(ScoredBatch batch, List<Triage.TrainableGroup> groups) {
        GroupImages checked = TrainingImages.checked(policy, images, batch);
        java.util.IdentityHashMap<ScoredGroup, ImageFeatures> ok = new java.util.IdentityHashMap<>();
        Map<String, RuntimeException> failed = new java.util.LinkedHashMap<>();
        for (Triage.TrainableGroup tg : groups) {
            try {
                ok.put(tg.group(), checked.of(tg.group()));
            } catch (RuntimeException e) {
                failed.put(tg.group().groupId(), e);
            }
        }
        prepared = ok;
        preparedFor = batch;
        return failed;
    }

    /** The images of {@code batch}'s groups: those {@link #prepareImages} resolved, else read now. */
    private GroupImages imagesFor(ScoredBatch batch) {
        GroupImages checked = TrainingImages.checked(policy, images, batch);
        if (preparedFor != batch) {
            return checked;
        }
        java.util.IdentityHashMap<ScoredGroup, ImageFeatures> ready = prepared;
        return g -> ready.containsKey(g) ? ready.get(g) : checked.of(g);
    }

    /** The optimizer (for checkpointing its state). */
    public LearnerOptimizer optimizer() {
        return optimizer;
    }

    /** The trainer's configuration. */
    public TrainerConfig config() {
        return cfg;
    }

    /** The KL controller state, flattened with {@link ControllerStateMap} (for the learner state file). */
    public Map<String, Double> klState() {
        return ControllerStateMap.flatten(klState);
    }

    /** Restores a state written by {@link #klState()}. */
    public void restoreKlState(Map<String, Double> flat) {
        klState = ControllerStateMap.restore(flat);
    }

    /**
     * Takes one optimizer step on the trainable groups of {@code batch}.
     *
     * @param batch  the scored batch (threshold for the soft cost)
     * @param groups its trainable groups with included trajectories (from {@link Triage})
     * @return the step's metrics; {@link StepMetrics#stepped()} is false when no row was trainable (weights unchanged)
     * @throws IllegalArgumentException when a token id is outside the vocabulary or a group has no prompt
     * @throws IllegalStateException when the gradient norm is not finite (weights unchanged)
     */
    public StepMetrics step(ScoredBatch batch, List<Triage.TrainableGroup> groups) {
        long t0 = System.nanoTime();
        // PyTorch's autograd mode is per thread and starts enabled on a new thread (e.g. a Kafka consumer's):
        // switch it off so the reference pass builds no graph and the in-place AdamW update is allowed; the
        // gradient collector turns it on for the policy's forward and backward only.
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        List<TrainingRow> rows = TrainingRow.of(batch, groups, cfg.window(), cfg.windowMode(), imagesFor(batch));
        if (rows.isEmpty()) {
            return StepMetrics.none();
        }
        int vocab = policy.config().vocabSize();
        long tokens = 0;
        for (TrainingRow r : rows) {
            tokens += r.responseLength();
            for (int i = 0; i < r.ids().length; i++) {
                if (r.ids()[i] >= vocab) {
                    throw new IllegalArgumentException("step " + batch.step() + ": token id " + r.ids()[i]
                            + " is outside the policy's vocabulary of " + vocab);
                }
            }
        }
        double[] scales = KlDivergence.sequenceScales(rows.stream().mapToInt(TrainingRow::bucket).toArray(),
                toBool(rows), rows.stream().mapToDouble(TrainingRow::softCost).toArray(), klState, cfg.kl());
        Accumulator acc = new Accumulator(rows.size(), tokens);
        for (int[] range : TrainingRow.pack(rows, cfg.tokenBudget())) {
            microStep(rows.subList(range[0], range[1]), java.util.Arrays.copyOfRange(scales, range[0], range[1]), acc);
        }
        double gradNorm = optimizer.step();
        updateController(rows, acc);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> extra = controllerMetrics();
        if (cfg.importanceWeightCap() > 0) {
            extra.put("is/weight_mean", acc.isWeightSum / acc.tokens);
            extra.put("is/truncated_fraction", (double) acc.isTruncated / acc.tokens);
        }
        return new StepMetrics(true, acc.loss, acc.policyLoss, acc.klLoss, acc.meanKl, acc.clipFraction,
                acc.dualClipFraction, gradNorm, rows.size(), tokens, seconds, extra);
    }

    private void microStep(List<TrainingRow> rows, double[] scales, Accumulator acc) {
        int b = rows.size();
        int cols = rows.stream().mapToInt(TrainingRow::columns).max().orElseThrow();
        long[] ids = new long[b * cols];
        long[] targets = new long[b * cols];
        long[] pos = new long[b * cols];
        float[] attn = new float[b * cols];
        float[] resp = new float[b * cols];
        float[] behaviour = new float[b * cols];
        float[] window = new float[b * cols];
        float[] adv = new float[b];
        float[] beta = new float[b];
        long mbTokens = 0;
        boolean anyWindow = false;
        for (int i = 0; i < b; i++) {
            TrainingRow r = rows.get(i);
            int[] x = r.ids();
            for (int c = 0; c < cols; c++) {
                int k = i * cols + c;
                pos[k] = c;
                if (c < r.columns()) {
                    ids[k] = x[c];
                    targets[k] = x[c + 1];
                    attn[k] = 1f;
                }
            }
            int p = r.promptLength();
            for (int j = 0; j < r.responseLength(); j++) {
                int k = i * cols + p - 1 + j;
                resp[k] = 1f;
                behaviour[k] = r.behaviourLogp()[j];
                if (r.window()[j]) {
                    window[k] = 1f;
                    anyWindow = true;
                }
            }
            mbTokens += r.responseLength();
            adv[i] = (float) r.advantage();
            beta[i] = (float) scales[i];
        }
        double wPg = share(cfg.loss().aggregation(), b, mbTokens, acc);
        double wKl = share(cfg.kl().aggregation(), b, mbTokens, acc);
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope();
             NDManager m = policy.manager().newSubManager()) {
            Shape s = new Shape(b, cols);
            NDArray idsA = m.create(ids, s);
            NDArray posA = m.create(pos, s);
            NDArray attnA = m.create(attn, s);
            NDArray tgtA = m.create(targets, s);
            NDArray respA = m.create(resp, s);
            NDArray behA = m.create(behaviour, s);
            NDArray winA = anyWindow ? m.create(window, s) : null;
            NDArray advA = m.create(adv);
            NDArray betaA = m.create(beta);
            ImageFeatures imgs = TrainingImages.ofRows(rows);
            NDArray ref = null;
            if (cfg.kl().coef() != 0.0) {
                ref = ImageScorer.logprobs(reference, idsA, posA, attnA, tgtA, imgs, cfg.temperature()).stopGradient();
            }
            float[] logpHost;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logp = ImageScorer.logprobs(policy, idsA, posA, attnA, tgtA, imgs, cfg.temperature());
                NDArray oldLogp = behA;
                NDArray advIn = advA;
                if (cfg.importanceWeightCap() > 0) {
                    // decoupled objective with truncated importance sampling (docs/learner.md "Importance weights"):
                    // the ratio is taken against the learner's own recomputation π_prox (= these weights before the
                    // update, detached), and each response token's advantage is scaled by the detached weight
                    // min(π_prox / π_behaviour, C); padding gets weight 0.
                    NDArray prox = logp.stopGradient();
                    NDArray w = prox.sub(behA).exp().minimum((float) cfg.importanceWeightCap()).mul(respA);
                    oldLogp = prox;
                    advIn = advA.reshape(b, 1).mul(w);
                    acc.importance(w.toFloatArray(), resp, (float) cfg.importanceWeightCap());
                }
                AepoLoss.Result r = AepoLoss.compute(new AepoLoss.Inputs(logp, oldLogp, ref, advIn, respA, winA, betaA),
                        cfg.loss(), cfg.kl());
                NDArray scaled = r.policyLoss().mul((float) wPg).add(r.klLoss().mul((float) (cfg.kl().coef() * wKl)));
                gc.backward(scaled);
                double tokShare = (double) mbTokens / acc.tokens;
                acc.loss += scaled.getFloat();
                acc.policyLoss += wPg * r.policyLoss().getFloat();
                acc.klLoss += wKl * r.klLoss().getFloat();
                acc.meanKl += tokShare * r.meanKl();
                acc.clipFraction += tokShare * r.clipFraction();
                acc.dualClipFraction += tokShare * r.dualClipFraction();
                logpHost = logp.stopGradient().toFloatArray();
            }
            float[] refHost = ref == null ? null : ref.toFloatArray();
            acc.klStats(rows, cols, logpHost, refHost, cfg.kl().estimator());
        }
    }

    /**
     * The log-probabilities of every included response token under the current policy at the sampling temperature,
     * without gradients and without changing anything: what the step takes as π_θ before its update (π_prox of the
     * importance weights). Rows as in {@link #step}: group order, included trajectories with a response.
     *
     * @return one {@code [T]} array per row, nats
     */
    public List<float[]> policyLogprobs(ScoredBatch batch, List<Triage.TrainableGroup> groups) {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        List<TrainingRow> rows = TrainingRow.of(batch, groups, cfg.window(), cfg.windowMode(), imagesFor(batch));
        List<float[]> out = new ArrayList<>(rows.size());
        for (int[] range : TrainingRow.pack(rows, cfg.tokenBudget())) {
            List<TrainingRow> mb = rows.subList(range[0], range[1]);
            int b = mb.size();
            int cols = mb.stream().mapToInt(TrainingRow::columns).max().orElseThrow();
            long[] ids = new long[b * cols];
            long[] targets = new long[b * cols];
            long[] pos = new long[b * cols];
            float[] attn = new float[b * cols];
            for (int i = 0; i < b; i++) {
                int[] x = mb.get(i).ids();
                for (int c = 0; c < cols; c++) {
                    pos[i * cols + c] = c;
                    if (c < mb.get(i).columns()) {
                        ids[i * cols + c] = x[c];
                        targets[i * cols + c] = x[c + 1];
                        attn[i * cols + c] = 1f;
                    }
                }
            }
            try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope();
                 NDManager m = policy.manager().newSubManager()) {
                Shape s = new Shape(b, cols);
                float[] lp = ImageScorer.logprobs(policy, m.create(ids, s), m.create(pos, s), m.create(attn, s),
                        m.create(targets, s), TrainingImages.ofRows(mb), cfg.temperature()).toFloatArray();
                for (int i = 0; i < b; i++) {
                    TrainingRow r = mb.get(i);
                    float[] v = new float[r.responseLength()];
                    System.arraycopy(lp, i * cols + r.promptLength() - 1, v, 0, v.length);
                    out.add(v);
                }
            }
        }
        return out;
    }

    private static double share(KlDivergence.Aggregation agg, int rows, long tokens, Accumulator acc) {
        return agg == KlDivergence.Aggregation.TOKEN_MEAN ? (double) tokens / acc.tokens : (double) rows / acc.rows;
    }

    private void updateController(List<TrainingRow> rows, Accumulator acc) {
        if (acc.seqKlCount == null) {
            return;
        }
        double[] seqMean = new double[3];
        double[] ctrl = new double[3];
        for (int d = 0; d < 3; d++) {
            seqMean[d] = acc.seqKlCount[d] == 0 ? Double.NaN : acc.seqKlSum[d] / acc.seqKlCount[d];
            ctrl[d] = acc.seqKlCount[d] == 0 ? Double.NaN : acc.nonWindowSum[d] / acc.seqKlCount[d];
        }
        KlConfig kl = cfg.kl();
        klState = switch (kl.controller()) {
            case LOG_BETA -> klState.withBeta(KlControllers.logBetaUpdate(klState.beta(), seqMean, kl));
            case KAPPA -> klState.withKappa(KlControllers.kappaUpdate(klState.kappa(), ctrl, kl));
            case NONE -> klState;
        };
    }

    private TreeMap<String, Double> controllerMetrics() {
        TreeMap<String, Double> m = new TreeMap<>();
        for (int d = 0; d < 3; d++) {
            double s = switch (cfg.kl().controller()) {
                case LOG_BETA -> klState.beta().betas().get(d);
                case KAPPA -> cfg.kl().betaInit().get(d) * klState.kappa().get(d);
                case NONE -> cfg.kl().betaInit().get(d);
            };
            m.put("kl/beta/" + BUCKETS[d], s);
        }
        return m;
    }

    private static boolean[] toBool(List<TrainingRow> rows) {
        boolean[] c = new boolean[rows.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = rows.get(i).correct();
        }
        return c;
    }

    /** Running sums over the micro-batches of one step. */
    private static final class Accumulator {
        final int rows;
        final long tokens;
        double loss;
        double policyLoss;
        double klLoss;
        double meanKl;
        double clipFraction;
        double dualClipFraction;
        double[] seqKlSum;
        double[] nonWindowSum;
        int[] seqKlCount;
        double isWeightSum;
        long isTruncated;

        Accumulator(int rows, long tokens) {
            this.rows = rows;
            this.tokens = tokens;
        }

        /** Sums the truncated importance weights of the response tokens and counts those at the cap. */
        void importance(float[] w, float[] resp, float cap) {
            for (int k = 0; k < w.length; k++) {
                if (resp[k] != 0f) {
                    isWeightSum += w[k];
                    isTruncated += w[k] >= cap ? 1 : 0;
                }
            }
        }

        /** Per-bucket sums of the sequence-mean KL and the non-window signal Σ_{t∉W} kl / L_i (spec §7.1, §7.2). */
        void klStats(List<TrainingRow> rs, int cols, float[] logp, float[] ref, KlDivergence.Estimator est) {
            if (ref == null) {
                return;
            }
            if (seqKlCount == null) {
                seqKlSum = new double[3];
                nonWindowSum = new double[3];
                seqKlCount = new int[3];
            }
            for (int i = 0; i < rs.size(); i++) {
                TrainingRow r = rs.get(i);
                double sum = 0;
                double nonWin = 0;
                int len = r.responseLength();
                for (int j = 0; j < len; j++) {
                    int k = i * cols + r.promptLength() - 1 + j;
                    double kl = KlDivergence.estimate(est, logp[k], ref[k]);
                    sum += kl;
                    if (!r.window()[j]) {
                        nonWin += kl;
                    }
                }
                seqKlSum[r.bucket()] += sum / len;
                nonWindowSum[r.bucket()] += nonWin / len;
                seqKlCount[r.bucket()]++;
            }
        }
    }
}
