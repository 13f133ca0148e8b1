package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.ares.model.DeviceSpec;
import dev.ares.model.vision.GridThw;
import dev.ares.model.vision.ImageFeatures;
import dev.ares.model.vision.Qwen25VisionTower;
import dev.ares.model.weights.WeightStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Qwen2.5-VL ({@code model_type: qwen2_5_vl}, Hugging Face {@code Qwen2_5_VLForConditionalGeneration};
 * Bai et al. 2025): the {@link Qwen25VisionTower} encodes the images, its output rows replace the
 * embeddings of the {@code <|image_pad|>} tokens in order, and a Qwen2 text decoder (q/k/v bias, SwiGLU,
 * RMSNorm) runs over the sequence with multimodal RoPE: the rotated channel pairs are split into
 * {@code mrope_section = (s_t, s_h, s_w)} consecutive blocks (repeated for the second half of the
 * rotate-half layout) that turn with the temporal, height and width position of {@link Qwen25VlPositions}.
 *
 * <pre>
 * model.embed_tokens.weight, model.layers.N.*, model.norm.weight   as {@link Qwen2Model}
 *   (transformers 5 may write them under model.language_model.)
 * lm_head.weight                                                    [V, hidden] (absent when tied)
 * visual.*  (or model.visual.*)                                     see {@link Qwen25VisionTower}
 * </pre>
 *
 * <p>{@link #forward} with {@code [B, T]} positions is the plain text model (all three axes equal), which
 * is also what a decode step after a multimodal prefill needs: the cache's next position already includes
 * the RoPE delta. {@link #forwardMultimodal} runs a prompt with images.
 */
public final class Qwen25VlModel extends QwenModel {
    private final Qwen25VlConfig vl;
    private final Qwen25VisionTower visual;
    private final NDArray[] sectionMasks;
    private boolean visionTrainable;

    private Qwen25VlModel(Qwen25VlConfig vl, DeviceSpec d, NDManager m, NDArray embed, NDArray head, NDArray norm,
                          List<DecoderLayer> layers, NDArray eps, Qwen25VisionTower visual) {
        super(vl.text(), d, m, embed, head, norm, layers, eps);
        this.vl = vl;
        this.visual = visual;
        int dim = vl.text().headDim();
        int half = dim / 2;
        this.sectionMasks = new NDArray[3];
        int start = 0;
        for (int a = 0; a < 3; a++) {
            float[] mask = new float[dim];
            for (int j = start; j < start + vl.mropeSection()[a]; j++) {
                mask[j] = 1f;
                mask[j + half] = 1f;
            }
            start += vl.mropeSection()[a];
            sectionMasks[a] = m.create(mask).toType(d.dataType(), false);
        }
    }

    static Qwen25VlModel build(QwenConfig c, DeviceSpec d, NDManager m, WeightStore w) {
        Qwen25VlConfig vl = Qwen25VlConfig.read(c.file());
        String prefix = w.contains("model.language_model.embed_tokens.weight") ? "model.language_model." : "model.";
        long hidden = c.hiddenSize();
        NDArray eps = epsArray(m, c);
        NDArray embed = tensor(w, m, d, prefix + "embed_tokens.weight", c.vocabSize(), hidden);
        List<DecoderLayer> layers = Qwen2Model.decoderLayers(c, d, m, w, prefix, eps);
        NDArray norm = tensor(w, m, d, prefix + "norm.weight", hidden);
        NDArray head = c.tieWordEmbeddings() ? embed : tensor(w, m, d, "lm_head.weight", c.vocabSize(), hidden);
        Qwen25VisionTower visual = Qwen25VisionTower.load(vl.vision(), w, m, d);
        return new Qwen25VlModel(vl, d, m, embed, head, norm, layers, eps, visual);
    }

    /** The full configuration (text, vision, RoPE sections, special tokens). */
    public Qwen25VlConfig vlConfig() {
        return vl;
    }

    /** The vision tower. */
    public Qwen25VisionTower visual() {
        return visual;
    }

    /** Image-pad tokens an image of grid {@code g} takes in the prompt. */
    public int imageTokens(GridThw g) {
        return g.tokens(vl.vision().spatialMergeSize());
    }

    /**
     * Runs a batch of prompts with images through the model.
     *
     * @param inputIds int64 {@code [B, T]}: text ids, and for every image a run of {@link #imageTokens} image pads
     * @param mask     {@code [B, T]}: nonzero for real tokens (left padding is 0)
     * @param images   the processed images of the whole batch in the order their pad runs appear, or null
     * @param cache    cache to fill (prefill), or null
     * @param lastOnly compute the logits of the last position only
     * @return float32 logits {@code [B, T, V]} ({@code [B, 1, V]} when {@code lastOnly}); the caller closes them.
     *         With a cache, each row's next position becomes its largest position + 1 (the RoPE delta).
     */
    public NDArray forwardMultimodal(NDArray inputIds, NDArray mask, ImageFeatures images, KvCache cache,
                                     boolean lastOnly) {
        return forwardMultimodal(inputIds, mask, images, cache, lastOnly, Qwen25VlPositions.Mode.MULTIMODAL);
    }

    /**
     * As {@link #forwardMultimodal(NDArray, NDArray, ImageFeatures, KvCache, boolean)} with the given position
     * numbering ({@link Qwen25VlPositions.Mode#SEQUENTIAL} reproduces transformers 5 called without
     * {@code mm_token_type_ids}).
     */
    public NDArray forwardMultimodal(NDArray inputIds, NDArray mask, ImageFeatures images, KvCache cache,
                                     boolean lastOnly, Qwen25VlPositions.Mode mode) {
        int b = (int) inputIds.getShape().get(0);
        int t = (int) inputIds.getShape().get(1);
        int[][] ids = rows(inputIds.toType(DataType.INT64, false).toLongArray(), b, t);
        int[][] valid = rows(mask.toType(DataType.INT64, false).toLongArray(), b, t);
        List<GridThw> grids = images == null ? List.of() : images.grids();
        Qwen25VlPositions pos = Qwen25VlPositions.of(mode, ids, valid, grids, vl);
        try (NDScope scope = new NDScope()) {
            NDManager m = inputIds.getManager();
            NDArray embeds = images == null ? null : visual.forward(images.pixelArray(m), grids);
            NDArray x = embedMultimodal(inputIds, ids, embeds);
            long[] flat = new long[3 * b * t];
            for (int a = 0; a < 3; a++) {
                for (int r = 0; r < b; r++) {
                    System.arraycopy(pos.positions()[a][r], 0, flat, (a * b + r) * t, t);
                }
            }
            NDArray logits = forwardEmbeds(x, m.create(flat, new Shape(3, b, t)), mask, cache, lastOnly);
            NDScope.unregister(logits);
            return logits;
        }
    }

    /**
     * Token embeddings with the image-pad rows replaced, in order, by the rows of {@code imageEmbeds}.
     *
     * @param inputIds    int64 {@code [B, T]}
     * @param imageEmbeds {@code [K, hidden]} with K the number of image pads in {@code inputIds}, or null when
     *                    there are none
     * @return {@code [B, T, hidden]} (differentiable in both the embedding table and {@code imageEmbeds})
     */
    public NDArray embedMultimodal(NDArray inputIds, NDArray imageEmbeds) {
        int b = (int) inputIds.getShape().get(0);
        int t = (int) inputIds.getShape().get(1);
        return embedMultimodal(inputIds, rows(inputIds.toType(DataType.INT64, false).toLongArray(), b, t), imageEmbeds);
    }

    private NDArray embedMultimodal(NDArray inputIds, int[][] ids, NDArray imageEmbeds) {
        int b = ids.length;
        int t = b == 0 ? 0 : ids[0].length;
        long[] index = new long[b * t];
        int k = 0;
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                int at = r * t + i;
                index[at] = ids[r][i] == vl.imageTokenId() ? (long) b * t + k++ : at;
            }
        }
        long rowsGiven = imageEmbeds == null ? 0 : imageEmbeds.getShape().get(0);
        if (k != rowsGiven) {
            throw new IllegalArgumentException("the prompts hold " + k + " image pads but the images give "
                    + rowsGiven + " embeddings");
        }
        NDArray text = embedTokens(inputIds);
        if (k == 0) {
            return text;
        }
        long hidden = text.getShape().get(2);
        NDArray table = text.reshape(b * (long) t, hidden).concat(imageEmbeds.toType(text.getDataType(), false), 0);
        NDArray idx = inputIds.getManager().create(index);
        return table.getNDArrayInternal().embedding(idx, table, SparseFormat.DENSE).singletonOrThrow()
                .reshape(b, t, hidden);
    }

    /** {@code [3, B, T]} positions: each axis's table rows, merged channel block by channel block. */
    @Override
    protected NDList ropeAngles(NDArray positions) {
        if (positions.getShape().dimension() != 3) {
            return super.ropeAngles(positions);
        }
        NDArray cos = null;
        NDArray sin = null;
        for (int a = 0; a < 3; a++) {
            NDList angles = rope.angles(positions.get(a));
            NDArray c = angles.get(0).mul(sectionMasks[a]);
            NDArray s = angles.get(1).mul(sectionMasks[a]);
            cos = cos == null ? c : cos.add(c);
            sin = sin == null ? s : sin.add(s);
        }
        return new NDList(cos, sin);
    }

    /** The largest of the three positions of each token (its last one + 1 is the next decode position). */
    @Override
    protected NDArray cachePositions(NDArray positions) {
        return positions.getShape().dimension() == 3 ? positions.max(new int[] {0}) : positions;
    }

    /**
     * Chooses whether {@link #parameters()} includes the vision tower (trainable) or leaves it out (frozen;
     * the default), for the optimiser and for {@code setRequiresGradient}.
     */
    public void setVisionTrainable(boolean trainable) {
        this.visionTrainable = trainable;
    }

    /** Whether {@link #parameters()} includes the vision tower. */
    public boolean visionTrainable() {
        return visionTrainable;
    }

    /** The text model's parameters, followed by the vision tower's when it is trainable. */
    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> p = new LinkedHashMap<>(super.parameters());
        if (visionTrainable) {
            p.putAll(visual.parameters());
        }
        return p;
    }

    private static int[][] rows(long[] flat, int b, int t) {
        int[][] out = new int[b][t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                out[r][i] = (int) flat[r * t + i];
            }
        }
        return out;
    }
}
