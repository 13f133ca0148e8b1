package dev.ares.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Linear;
import dev.ares.model.DeviceSpec;
import dev.ares.model.qwen.RmsNorm;
import dev.ares.model.qwen.RotaryEmbedding;
import dev.ares.model.weights.WeightStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Qwen2.5-VL vision encoder (Bai et al. 2025, Qwen2.5-VL technical report, §2.1; Hugging Face
 * {@code Qwen2_5_VisionTransformerPretrainedModel}):
 * <ol>
 *   <li>3D patch embedding: a {@code Conv3d} whose kernel equals its stride ({@code temporal x patch x patch}),
 *       i.e. one matrix product {@code pixel_values [N, C*T*P*P] x W^T} with {@code W [hidden, C*T*P*P]};</li>
 *   <li>{@code depth} pre-norm blocks {@code x += attn(rms(x)); x += mlp(rms(x))}: bidirectional attention with
 *       2D rotary positions (the first half of the rotated channels carries the patch row, the second the
 *       column, each with {@code theta^(-4i/headDim)} frequencies), inside windows of
 *       {@code window_size} pixels except in {@code fullatt_block_indexes}, where each frame attends whole;
 *       a biased SwiGLU MLP;</li>
 *   <li>the patch merger: RMSNorm, then the {@code merge^2} consecutive patches of each token concatenated
 *       and mapped by {@code Linear -> GELU -> Linear} to the text model's width.</li>
 * </ol>
 * Output: {@code [N / merge^2, out_hidden_size]}, one row per image-pad token, in the order of the pads.
 *
 * <pre>
 * visual.patch_embed.proj.weight                [hidden, C, T, P, P]
 * visual.blocks.N.norm1.weight, norm2.weight    [hidden]
 * visual.blocks.N.attn.qkv.weight / .bias       [3 hidden, hidden] / [3 hidden]
 * visual.blocks.N.attn.proj.weight / .bias      [hidden, hidden] / [hidden]
 * visual.blocks.N.mlp.{gate,up}_proj.weight/.bias [I, hidden] / [I]
 * visual.blocks.N.mlp.down_proj.weight / .bias  [hidden, I] / [hidden]
 * visual.merger.ln_q.weight                     [hidden]
 * visual.merger.mlp.0.weight / .bias            [4 hidden, 4 hidden] / [4 hidden]   (merge 2)
 * visual.merger.mlp.2.weight / .bias            [out, 4 hidden] / [out]
 * </pre>
 * (or the same under {@code model.visual.}, the transformers 5 naming).
 */
public final class Qwen25VisionTower {
    private static final float MASKED = -1e30f;
    private final Qwen25VisionConfig config;
    private final DataType type;
    private final NDArray patchEmbed;
    private final List<Block> blocks;
    private final NDArray mergerNorm;
    private final NDArray merger0;
    private final NDArray merger0Bias;
    private final NDArray merger2;
    private final NDArray merger2Bias;
    private final NDArray eps;
    private final NDArray scale;
    private final String prefix;

    /** One vision block's weights (q/k/v fused as in the checkpoint; gate and up fused with their biases). */
    private record Block(NDArray norm1, NDArray qkv, NDArray qkvBias, NDArray proj, NDArray projBias, NDArray norm2,
                         NDArray gateUp, NDArray gateUpBias, NDArray down, NDArray downBias) {
    }

    private Qwen25VisionTower(Qwen25VisionConfig config, DataType type, NDArray patchEmbed, List<Block> blocks,
                              NDArray mergerNorm, NDArray merger0, NDArray merger0Bias, NDArray merger2,
                              NDArray merger2Bias, NDArray eps, String prefix) {
        this.config = config;
        this.type = type;
        this.patchEmbed = patchEmbed;
        this.blocks = List.copyOf(blocks);
        this.mergerNorm = mergerNorm;
        this.merger0 = merger0;
        this.merger0Bias = merger0Bias;
        this.merger2 = merger2;
        this.merger2Bias = merger2Bias;
        this.eps = eps;
        this.prefix = prefix;
        this.scale = eps.getManager().create((float) (1.0 / Math.sqrt(config.headDim()))).toType(type, false);
    }

    /**
     * Loads the vision weights of a Qwen2.5-VL checkpoint ({@code visual.*} or {@code model.visual.*}) in the
     * device's compute dtype, checking every shape against {@code config}.
     *
     * @throws dev.ares.model.ModelFormatException naming the file and tensor when one is missing or mis-shaped
     */
    public static Qwen25VisionTower load(Qwen25VisionConfig c, WeightStore w, NDManager m, DeviceSpec d) {
        String p = w.contains("model.visual.patch_embed.proj.weight") ? "model.visual." : "visual.";
        DataType t = d.dataType();
        long h = c.hiddenSize();
        long i = c.intermediateSize();
        NDArray patch = w.load(p + "patch_embed.proj.weight", m, t, h, c.inChannels(), c.temporalPatchSize(),
                c.patchSize(), c.patchSize());
        NDArray patchFlat = patch.reshape(h, c.patchDim());
        patch.close();
        List<Block> blocks = new ArrayList<>();
        for (int b = 0; b < c.depth(); b++) {
            String q = p + "blocks." + b + ".";
            blocks.add(new Block(w.load(q + "norm1.weight", m, t, h),
                    w.load(q + "attn.qkv.weight", m, t, 3 * h, h), w.load(q + "attn.qkv.bias", m, t, 3 * h),
                    w.load(q + "attn.proj.weight", m, t, h, h), w.load(q + "attn.proj.bias", m, t, h),
                    w.load(q + "norm2.weight", m, t, h),
                    concat(w.load(q + "mlp.gate_proj.weight", m, t, i, h), w.load(q + "mlp.up_proj.weight", m, t, i, h)),
                    concat(w.load(q + "mlp.gate_proj.bias", m, t, i), w.load(q + "mlp.up_proj.bias", m, t, i)),
                    w.load(q + "mlp.down_proj.weight", m, t, h, i), w.load(q + "mlp.down_proj.bias", m, t, h)));
        }
        long merged = h * c.mergeUnit();
        NDArray eps = m.create(new float[] {(float) Qwen25VisionConfig.RMS_EPS});
        return new Qwen25VisionTower(c, t, patchFlat, blocks, w.load(p + "merger.ln_q.weight", m, t, h),
                w.load(p + "merger.mlp.0.weight", m, t, merged, merged), w.load(p + "merger.mlp.0.bias", m, t, merged),
                w.load(p + "merger.mlp.2.weight", m, t, c.outHiddenSize(), merged),
                w.load(p + "merger.mlp.2.bias", m, t, c.outHiddenSize()), eps, p);
    }

    private static NDArray concat(NDArray a, NDArray b) {
        NDArray out = a.concat(b, 0);
        a.close();
        b.close();
        return out;
    }

    /** The configuration. */
    public Qwen25VisionConfig config() {
        return config;
    }

    /**
     * Encodes processed images.
     *
     * @param pixelValues float {@code [N, C*T*P*P]} (the processor's rows, images one after the other)
     * @param grids       one grid per image, in order; their patches add up to N
     * @return {@code [N / merge^2, out_hidden_size]} image embeddings in the compute dtype, owned by the
     *         caller's current scope / the manager of {@code pixelValues}
     */
    public NDArray forward(NDArray pixelValues, List<GridThw> grids) {
        int n = 0;
        for (GridThw g : grids) {
            if (g.h() % config.spatialMergeSize() != 0 || g.w() % config.spatialMergeSize() != 0) {
                throw new IllegalArgumentException("grid " + g + " is not a multiple of spatial_merge_size "
                        + config.spatialMergeSize());
            }
            n += g.patches();
        }
        Shape s = pixelValues.getShape();
        if (s.dimension() != 2 || s.get(0) != n || s.get(1) != config.patchDim()) {
            throw new IllegalArgumentException("pixel_values " + s + " do not match the grids: expected [" + n + ", "
                    + config.patchDim() + "]");
        }
        NDArray out;
        try (NDScope scope = new NDScope()) {
            NDManager m = pixelValues.getManager();
            NDArray pv = pixelValues.getDataType() == type ? pixelValues : pixelValues.toType(type, false);
            NDArray x = Linear.linear(pv, patchEmbed).singletonOrThrow();                  // [N, hidden]
            NDList angles = rotary(m, grids);                                            // [N, 1, 1, headDim] each
            Groups full = new Groups(AttentionGroups.frames(grids), m);
            Groups windowed = new Groups(AttentionGroups.windows(grids, config.spatialMergeSize(),
                    config.windowTokens()), m);
            for (int b = 0; b < blocks.size(); b++) {
                Block blk = blocks.get(b);
                Groups g = config.fullAttBlocks().contains(b) ? full : windowed;
                x = x.add(attention(RmsNorm.apply(x, blk.norm1, eps), blk, angles, g));
                x = x.add(mlp(RmsNorm.apply(x, blk.norm2, eps), blk));
            }
            x = RmsNorm.apply(x, mergerNorm, eps).reshape(n / config.mergeUnit(),
                    (long) config.hiddenSize() * config.mergeUnit());
            x = gelu(Linear.linear(x, merger0, merger0Bias).singletonOrThrow());
            out = Linear.linear(x, merger2, merger2Bias).singletonOrThrow();
            NDScope.unregister(out);
        }
        return out;
    }

    /** A group partition with its index arrays on the device. */
    private final class Groups {
        final AttentionGroups groups;
        final NDArray gather;
        final NDArray scatter;
        final NDArray bias;

        Groups(AttentionGroups groups, NDManager m) {
            this.groups = groups;
            this.gather = groups.isWhole() ? null : groups.gather(m);
            this.scatter = groups.isWhole() ? null : groups.scatter(m);
            this.bias = groups.isWhole() ? null : groups.keyBias(m, MASKED);
        }
    }

    private NDArray attention(NDArray x, Block blk, NDList angles, Groups g) {
        long n = x.getShape().get(0);
        int heads = config.numHeads();
        int hd = config.headDim();
        NDArray qkv = Linear.linear(x, blk.qkv, blk.qkvBias).singletonOrThrow().reshape(n, 3, heads, hd);
        NDList parts = qkv.split(new long[] {2}, 1);                                      // [N,2,H,hd], [N,1,H,hd]
        NDArray qk = RotaryEmbedding.apply(parts.get(0), angles.get(0), angles.get(1));
        NDArray all = qk.concat(parts.get(1), 1);                                        // [N, 3, H, hd]
        long c = g.groups.count();
        long l = g.groups.length();
        if (g.gather != null) {
            all = rows(all.reshape(n, 3L * heads * hd), g.gather);
        }
        all = all.reshape(c, l, 3, heads, hd).transpose(2, 0, 3, 1, 4);                   // [3, C, H, L, hd]
        NDList qkvs = all.split(3, 0);
        NDArray q = qkvs.get(0).squeeze(0).mul(scale);
        NDArray k = qkvs.get(1).squeeze(0);
        NDArray v = qkvs.get(2).squeeze(0);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));                               // [C, H, L, L]
        if (g.bias != null) {
            scores = scores.add(g.bias);
        }
        NDArray probs = scores.softmax(-1);
        NDArray o = probs.matMul(v).transpose(0, 2, 1, 3).reshape(c * l, (long) heads * hd);
        if (g.scatter != null) {
            o = rows(o, g.scatter);
        }
        return Linear.linear(o, blk.proj, blk.projBias).singletonOrThrow();
    }

    private static NDArray mlp(NDArray x, Block blk) {
        NDArray gu = Linear.linear(x, blk.gateUp, blk.gateUpBias).singletonOrThrow();
        NDList halves = gu.split(2, gu.getShape().dimension() - 1);
        NDArray gate = halves.get(0);
        NDArray act = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(halves.get(1));
        return Linear.linear(act, blk.down, blk.downBias).singletonOrThrow();
    }

    /** Exact GELU, {@code x * Phi(x) = x / 2 * (1 + erf(x / sqrt 2))} (Hendrycks and Gimpel 2016, eq. 1). */
    private static NDArray gelu(NDArray x) {
        return x.mul(x.mul((float) (1 / Math.sqrt(2))).erf().add(1f)).mul(0.5f);
    }

    /** Rows {@code index} of a 2D table (differentiable gather). */
    private static NDArray rows(NDArray table, NDArray index) {
        return table.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * cos and signed sin {@code [N, 1, 1, headDim]} of each patch's 2D rotary angles: channel pair {@code i} of
     * the first quarter turns by {@code row * f_i}, of the second quarter by {@code col * f_i}, with
     * {@code f_i = theta^(-4i / headDim)} computed in float32; the second half repeats the first (rotate-half
     * layout).
     */
    private NDList rotary(NDManager m, List<GridThw> grids) {
        int hd = config.headDim();
        int quarter = hd / 4;
        float[] inv = new float[quarter];
        for (int i = 0; i < quarter; i++) {
            inv[i] = 1f / (float) Math.pow(config.ropeTheta(), (float) (2 * i) / (float) (hd / 2));
        }
        int n = 0;
        for (GridThw g : grids) {
            n += g.patches();
        }
        float[] cos = new float[n * hd];
        float[] sin = new float[n * hd];
        int merge = config.spatialMergeSize();
        int row = 0;
        for (GridThw g : grids) {
            for (int t = 0; t < g.t(); t++) {
                for (int bh = 0; bh < g.h() / merge; bh++) {
                    for (int bw = 0; bw < g.w() / merge; bw++) {
                        for (int mh = 0; mh < merge; mh++) {
                            for (int mw = 0; mw < merge; mw++) {
                                int hpos = bh * merge + mh;
                                int wpos = bw * merge + mw;
                                int o = row * hd;
                                for (int i = 0; i < quarter; i++) {
                                    float fh = hpos * inv[i];
                                    float fw = wpos * inv[i];
                                    float ch = (float) Math.cos(fh);
                                    float sh = (float) Math.sin(fh);
                                    float cw = (float) Math.cos(fw);
                                    float sw = (float) Math.sin(fw);
                                    cos[o + i] = ch;
                                    cos[o + quarter + i] = cw;
                                    cos[o + 2 * quarter + i] = ch;
                                    cos[o + 3 * quarter + i] = cw;
                                    sin[o + i] = -sh;
                                    sin[o + quarter + i] = -sw;
                                    sin[o + 2 * quarter + i] = sh;
                                    sin[o + 3 * quarter + i] = sw;
                                }
                                row++;
                            }
                        }
                    }
                }
            }
        }
        Shape shape = new Shape(n, 1, 1, hd);
        return new NDList(m.create(cos, shape).toType(type, false), m.create(sin, shape).toType(type, false));
    }

    /**
     * The trainable arrays by checkpoint name (fused gate/up as {@code mlp.gate_up_proj}; the patch embedding
     * flattened to {@code [hidden, C*T*P*P]}).
     */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put(prefix + "patch_embed.proj.weight", patchEmbed);
        for (int b = 0; b < blocks.size(); b++) {
            Block blk = blocks.get(b);
            String q = prefix + "blocks." + b + ".";
            p.put(q + "norm1.weight", blk.norm1);
            p.put(q + "attn.qkv.weight", blk.qkv);
            p.put(q + "attn.qkv.bias", blk.qkvBias);
            p.put(q + "attn.proj.weight", blk.proj);
            p.put(q + "attn.proj.bias", blk.projBias);
            p.put(q + "norm2.weight", blk.norm2);
            p.put(q + "mlp.gate_up_proj.weight", blk.gateUp);
            p.put(q + "mlp.gate_up_proj.bias", blk.gateUpBias);
            p.put(q + "mlp.down_proj.weight", blk.down);
            p.put(q + "mlp.down_proj.bias", blk.downBias);
        }
        p.put(prefix + "merger.ln_q.weight", mergerNorm);
        p.put(prefix + "merger.mlp.0.weight", merger0);
        p.put(prefix + "merger.mlp.0.bias", merger0Bias);
        p.put(prefix + "merger.mlp.2.weight", merger2);
        p.put(prefix + "merger.mlp.2.bias", merger2Bias);
        return p;
    }
}
