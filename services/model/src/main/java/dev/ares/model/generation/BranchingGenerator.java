package dev.ares.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ares.core.aepo.Windows;
import dev.ares.core.protocol.FinishReason;
import dev.ares.core.trigger.TriggerTable;
import dev.ares.model.qwen.KvCache;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.vision.ImageFeatures;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Group rollouts of several prompts in one decode batch, in {@code iid} mode or with entropy-triggered branching
 * ({@code hwe-branch}, architecture.md §5; aepo-spec §4 describes what the paper claims and the code lacks;
 * the decisions are written down in docs/rollout.md).
 *
 * <p>Every group of {@code n} trajectories with budget {@code b} occupies {@code n} rows of the batch for the whole
 * decode. Slots {@code 0 .. n-b-1} are <em>roots</em>. Slots {@code n-b .. n-1} are <em>reserved</em>: they start
 * as fresh samples of the prompt and run on until a root claims them. When a root's newest token {@code k}
 * completes the window of anchor {@code a} ({@code a = k - w} forward-exclusive, {@code a = k - w + 1}
 * forward-inclusive), the anchor token is a trigger (the trigger table applied to the <em>sampled</em> token) and
 * the window's mean exact entropy is {@code >= threshold}, the lowest free reserved row of the group is
 * overwritten: it takes the root's tokens {@code [0, a]} with their logprobs, entropies and flags, its KV cache row
 * becomes the root's cache cut after token {@code a - 1} ({@link KvCache#branchRow}, no recompute of the prefix),
 * it feeds token {@code a} next and samples from position {@code a + 1} on with its own random stream. A reserved
 * row that is never claimed ends as an ordinary independent sample, so the group has exactly {@code n}
 * trajectories and at most {@code b} branches whatever the threshold.
 *
 * <p>Determinism: slot {@code j} of a group with seed {@code s} draws from {@code SplittableRandom(s + G (j + 1))}
 * ({@code G} the 64-bit golden ratio, as {@link Generator}), a branch from
 * {@code SplittableRandom(s + G (j + 1) + S (a + 1))}; with budget 0 a group reproduces {@link Generator#generate}
 * of the same seed. Not thread-safe for one model: callers serialise generations.
 *
 * <p>Images (Qwen2.5-VL, docs/rollout.md "Image prompts"): groups may carry processed images. The prefill is then
 * one multimodal forward ({@link Qwen25VlModel#forwardMultimodal}, M-RoPE) over every row, each row with its
 * group's images, which leaves each cache row's next position at its largest prompt position + 1. The decode
 * steps are the text model's one-token steps from there. A branch copies its parent's cache row and continues at
 * the parent's position for the anchor token: {@link KvCache#branchRow} counts copied real tokens, so the row's
 * RoPE delta ({@code next position - real tokens}, 0 for a text row) is added on the branch's first step.
 */
public final class BranchingGenerator {
    static final long GOLDEN = 0x9E3779B97F4A7C15L;
    static final long BRANCH_SALT = 0xD1B54A32D192ED03L;
    private final QwenModel model;
    private final Function<int[], String> decoder;

    /**
     * @param decoder turns generated ids into text for the stop-string rule, or null (stop strings then refused)
     */
    public BranchingGenerator(QwenModel model, Function<int[], String> decoder) {
        this.model = model;
        this.decoder = decoder;
    }

    /**
     * Generates every group in one batch.
     *
     * @param groups   the groups (prompts may differ in length; they are left-padded)
     * @param params   sampling and stop rules shared by the batch; {@code params.seed()} is not used (each group has
     *                 its own); {@code topLogprobs} must be 0
     * @param triggers per-vocabulary trigger flags of the tokenizer (architecture.md §5), covering every id the model
     *                 can sample
     * @param window   window width and placement of the branch decision
     * @return per group, its {@code n} trajectories in slot order
     * @throws IllegalArgumentException for an empty or out-of-vocabulary prompt, a prompt plus {@code maxNewTokens}
     *     beyond the model's positions, stop strings without a decoder, or a trigger table smaller than the vocabulary
     */
    public List<List<BranchedSample>> generate(List<BranchGroup> groups, GenerationParams params, TriggerTable triggers,
                                               HweWindow window) {
        return generate(groups, null, params, triggers, window);
    }

    /**
     * As {@link #generate(List, GenerationParams, TriggerTable, HweWindow)} with images: {@code images.get(g)} holds
     * the processed images of group {@code g} in the order of its prompt's image-pad runs (each run already
     * expanded to the image's token count), or null for a text group. Every row of the group is prefilled with
     * those images.
     *
     * @param images one entry per group (null entries for text groups), or null when no group has images
     * @throws IllegalArgumentException additionally when images are given to a model that is not a
     *     {@link Qwen25VlModel}, the list size differs from the group count, or a prompt's pad runs do not match its
     *     images
     */
    public List<List<BranchedSample>> generate(List<BranchGroup> groups, List<ImageFeatures> images,
                                               GenerationParams params, TriggerTable triggers, HweWindow window) {
        check(groups, params, triggers);
        ImageFeatures batchImages = batchImages(groups, images);
        if (groups.isEmpty()) {
            return List.of();
        }
        int max = params.maxNewTokens();
        int longest = 0;
        int rows = 0;
        for (BranchGroup g : groups) {
            longest = Math.max(longest, g.prompt().length);
            rows += g.n();
        }
        if (longest - 1 + max >= model.maxPositions()) {
            throw new IllegalArgumentException("generation would reach position " + (longest - 1 + max)
                    + " but the model encodes positions below " + model.maxPositions() + " (max_position_embeddings)");
        }
        BranchRow[] row = new BranchRow[rows];
        List<ArrayDeque<Integer>> reserved = new ArrayList<>();
        long[] ids = new long[rows * longest];
        long[] mask = new long[rows * longest];
        long[] pos = new long[rows * longest];
        int r = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            BranchGroup g = groups.get(gi);
            int[] p = g.prompt();
            ArrayDeque<Integer> free = new ArrayDeque<>();
            for (int j = 0; j < g.n(); j++, r++) {
                boolean root = j < g.roots();
                row[r] = new BranchRow(gi, j, root, max, new SplittableRandom(g.seed() + GOLDEN * (j + 1)),
                        triggers.matcher());
                if (!root) {
                    free.add(r);
                }
                int pad = longest - p.length;
                for (int t = 0; t < p.length; t++) {
                    ids[r * longest + pad + t] = p[t];
                    mask[r * longest + pad + t] = 1;
                    pos[r * longest + pad + t] = t;
                }
            }
            reserved.add(free);
        }
        // a branch opened at step k from anchor a >= k - w finishes by step max - 1 + w
        try (KvCache cache = model.newCache(rows, longest + max + window.width());
             NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(rows, longest);
            NDArray logits = batchImages == null
                    ? model.forward(m.create(ids, shape), m.create(pos, shape), m.create(mask, shape), cache, true)
                    : ((Qwen25VlModel) model).forwardMultimodal(m.create(ids, shape), m.create(mask, shape),
                            batchImages, cache, true);
            // RoPE delta of each row: next position minus real tokens (0 for text prompts, which take 0, 1, ...)
            long[] delta = new long[rows];
            r = 0;
            for (BranchGroup g : groups) {
                for (int j = 0; j < g.n(); j++, r++) {
                    delta[r] = cache.nextPosition(r) - g.prompt().length;
                }
            }
            decode(cache, logits, groups, row, reserved, longest, params, triggers, window, delta, m);
        }
        List<List<BranchedSample>> out = new ArrayList<>(groups.size());
        r = 0;
        for (BranchGroup g : groups) {
            List<BranchedSample> samples = new ArrayList<>(g.n());
            for (int j = 0; j < g.n(); j++) {
                samples.add(row[r++].result());
            }
            out.add(List.copyOf(samples));
        }
        return out;
    }

    private void decode(KvCache cache, NDArray first, List<BranchGroup> groups, BranchRow[] row,
                        List<ArrayDeque<Integer>> reserved, int longest, GenerationParams params, TriggerTable triggers,
                        HweWindow window, long[] delta, NDManager m) {
        int b = row.length;
        int max = params.maxNewTokens();
        int[] budget = new int[groups.size()];
        for (int g = 0; g < budget.length; g++) {
            budget[g] = groups.get(g).branchBudget();
        }
        double[] scratch = new double[window.span() + 1];
        double[] mean = new double[1];
        float[] u = new float[b];
        int[] next = new int[b];
        NDArray logits = first;
        // per row, added to the cache's next position on the next step only (a branch's first step)
        long[] shift = new long[b];
        int active = b;
        while (active > 0) {
            for (int i = 0; i < b; i++) {
                u[i] = (float) row[i].rng.nextDouble();
            }
            TokenSampler.Step s;
            try (NDArray flat = logits.reshape(b, logits.getShape().get(2))) {
                s = TokenSampler.sample(flat, params, u);
            }
            logits.close();
            List<int[]> forks = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                BranchRow x = row[i];
                if (x.finish != null) {
                    continue;
                }
                int id = s.ids()[i];
                x.add(s, i);
                next[i] = id;
                if (params.eosIds().contains(id)) {
                    x.finish = FinishReason.EOS;
                } else if (!params.stopStrings().isEmpty() && hitsStop(x, params)) {
                    x.finish = FinishReason.STOP_SEQUENCE;
                } else if (x.n == max) {
                    x.finish = FinishReason.LENGTH;
                }
                if (x.finish != null) {
                    active--;
                }
                if (x.root && budget[x.group] > 0) {
                    int a = window.anchorDecidedAt(x.n - 1);
                    if (a >= 0 && a + 1 < max && x.trigger[a]
                            && Windows.windowMean(x.entropy, a, window.span(), window.width(), window.mode(), scratch,
                                    mean) == 1
                            && mean[0] >= groups.get(x.group).threshold()) {
                        forks.add(new int[] {i, a, reserved.get(x.group).poll()});
                        budget[x.group]--;
                    }
                }
            }
            for (int[] f : forks) {
                BranchRow src = row[f[0]];
                BranchRow dst = row[f[2]];
                int a = f[1];
                if (dst.finish != null) {
                    active++;
                }
                long seed = groups.get(dst.group).seed() + GOLDEN * (dst.slot + 1) + BRANCH_SALT * (a + 1);
                dst.becomeBranchOf(src, a + 1, new SplittableRandom(seed));
                // the cache holds the source's prompt and tokens [0, a) in slots [0, longest + a); token a is fed next
                cache.branchRow(f[0], longest + a, f[2]);
                // branchRow sets the row's next position to its real-token count; the source's RoPE delta (from a
                // multimodal prompt) continues it at the source's position of token a
                shift[f[2]] = delta[f[0]];
                delta[f[2]] = delta[f[0]];
                next[f[2]] = src.ids[a];
            }
            if (active == 0) {
                break;
            }
            logits = step(cache, next, shift, m);
            Arrays.fill(shift, 0L);
        }
    }

    /** Feeds one token per row at each row's next position; returns {@code [B, 1, V]} logits. */
    private NDArray step(KvCache cache, int[] tokens, long[] shift, NDManager m) {
        long[] ids = new long[tokens.length];
        long[] pos = cache.nextPositions();
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = tokens[i];
            pos[i] += shift[i];
        }
        try (NDScope scope = new NDScope()) {
            Shape shape = new Shape(tokens.length, 1);
            NDArray logits = model.forward(m.create(ids, shape), m.create(pos, shape),
                    m.ones(shape, DataType.BOOLEAN), cache, true);
            NDScope.unregister(logits);
            return logits;
        }
    }

    /** The images of every row, group by group (each group's images once per row), or null when none. */
    private ImageFeatures batchImages(List<BranchGroup> groups, List<ImageFeatures> images) {
        if (images == null) {
            return null;
        }
        if (images.size() != groups.size()) {
            throw new IllegalArgumentException(images.size() + " image entries for " + groups.size() + " groups");
        }
        List<ImageFeatures> all = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            ImageFeatures f = images.get(g);
            if (f != null && !f.grids().isEmpty()) {
                for (int j = 0; j < groups.get(g).n(); j++) {
                    all.add(f);
                }
            }
        }
        if (all.isEmpty()) {
            return null;
        }
        if (!(model instanceof Qwen25VlModel)) {
            throw new IllegalArgumentException("a " + model.config().modelType() + " model takes text only; image "
                    + "prompts need a qwen2_5_vl model");
        }
        return ImageFeatures.concat(all);
    }

    private boolean hitsStop(BranchRow x, GenerationParams params) {
        String text = decoder.apply(Arrays.copyOf(x.ids, x.n));
        for (String stop : params.stopStrings()) {
            if (text.contains(stop)) {
                return true;
            }
        }
        return false;
    }

    private void check(List<BranchGroup> groups, GenerationParams params, TriggerTable triggers) {
        if (!params.stopStrings().isEmpty() && decoder == null) {
            throw new IllegalArgumentException("stop strings need a BranchingGenerator built with a decoder");
        }
        if (params.topLogprobs() != 0) {
            throw new IllegalArgumentException("BranchingGenerator reports no alternatives: topLogprobs must be 0, got "
                    + params.topLogprobs());
        }
        int v = model.config().vocabSize();
        if (triggers.size() < v) {
            throw new IllegalArgumentException("trigger table covers " + triggers.size() + " ids but the model samples "
                    + v);
        }
        for (int g = 0; g < groups.size(); g++) {
            int[] p = groups.get(g).prompt();
            for (int t = 0; t < p.length; t++) {
                if (p[t] < 0 || p[t] >= v) {
                    throw new IllegalArgumentException("group " + g + " prompt[" + t + "] = " + p[t]
                            + " is outside the vocabulary [0, " + v + ")");
                }
            }
        }
    }
}
