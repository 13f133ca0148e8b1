package dev.ares.model.qwen;

import dev.ares.model.vision.GridThw;
import dev.ares.model.vision.ImageFeatures;
import java.util.List;

/**
 * Multimodal RoPE position ids of Qwen2-VL / Qwen2.5-VL (Wang et al. 2024, Qwen2-VL report §2.1
 * "M-RoPE"; Hugging Face {@code get_rope_index} for still images). Every token gets a (temporal, height,
 * width) triple:
 * <ul>
 *   <li>a text token at running index {@code p} gets {@code (p, p, p)};</li>
 *   <li>the run of image pads of an image with merged grid {@code (t, h, w)} that starts after position
 *       {@code s - 1} gets {@code (s, s + row, s + col)} for pad {@code row * w + col} (temporal index 0 for a
 *       still image), and the text after it continues from {@code max + 1} over everything before it.</li>
 * </ul>
 * Padding ({@code mask == 0}) gets position 1 on every axis, as in the reference. The RoPE delta of a row
 * is {@code max position + 1 - row length}: during decoding, the token in cache slot {@code j} (counting
 * padding) takes position {@code j + delta} on all three axes, i.e. one more than the previous token's
 * largest position.
 *
 * @param positions {@code [3][B][T]} position ids
 * @param deltas    {@code [B]} RoPE deltas ({@code rope_deltas})
 */
public record Qwen25VlPositions(long[][][] positions, long[] deltas) {
    /** How a prompt's positions are numbered. */
    public enum Mode {
        /** M-RoPE over text and image tokens, as the model was trained ({@link #compute}). */
        MULTIMODAL,
        /**
         * Running positions {@code 0, 1, ...} over the real tokens on all three axes, image pads included
         * ({@link #sequential}): what transformers 5 computes when the caller passes images without the
         * processor's {@code mm_token_type_ids}. The hf-reference fixture's outputs were made that way.
         */
        SEQUENTIAL
    }

    /**
     * Checks one prompt against its images before it joins a decode batch (serving and rollout share this check):
     * for a Qwen2.5-VL {@code model} the prompt must hold exactly one run of image pads per image, each of its grid's
     * size, and no video pads (a stray pad, e.g. {@code <|image_pad|>} typed into a text prompt and turned into its id
     * by the tokenizer, would otherwise fail the multimodal prefill of the whole batch); any other model takes no
     * images (its pad ids are ordinary tokens there and are left alone).
     *
     * @param model  the model the prompt is for
     * @param prompt the encoded prompt, image pads already expanded
     * @param images the prompt's processed images, or null for a text prompt
     * @throws IllegalArgumentException naming the counts when the pads do not fit the images, or when a text-only
     *                                  model gets images
     */
    public static void checkPrompt(QwenModel model, int[] prompt, ImageFeatures images) {
        if (!(model instanceof Qwen25VlModel vl)) {
            if (images != null) {
                throw new IllegalArgumentException("the " + model.config().modelType()
                        + " model takes text only; images need a qwen2_5_vl model");
            }
            return;
        }
        List<GridThw> grids = images == null ? List.of() : images.grids();
        int[] mask = new int[prompt.length];
        java.util.Arrays.fill(mask, 1);
        compute(new int[][] {prompt}, new int[][] {mask}, grids, vl.vlConfig());
    }

    /** {@link #compute} or {@link #sequential}, by {@code mode}. */
    public static Qwen25VlPositions of(Mode mode, int[][] ids, int[][] mask, List<GridThw> grids,
                                       Qwen25VlConfig config) {
        return mode == Mode.MULTIMODAL ? compute(ids, mask, grids, config) : sequential(mask);
    }

    /**
     * Text positions on all three axes: the running count of real tokens before each token (padding gets
     * 1); every delta is {@code real tokens - row length}.
     */
    public static Qwen25VlPositions sequential(int[][] mask) {
        int b = mask.length;
        int t = b == 0 ? 0 : mask[0].length;
        long[][][] pos = new long[3][b][t];
        long[] deltas = new long[b];
        for (int r = 0; r < b; r++) {
            long next = 0;
            for (int i = 0; i < t; i++) {
                long p = mask[r][i] == 0 ? 1 : next++;
                for (int a = 0; a < 3; a++) {
                    pos[a][r][i] = p;
                }
            }
            deltas[r] = next - t;
        }
        return new Qwen25VlPositions(pos, deltas);
    }

    /**
     * Computes the positions of a batch.
     *
     * @param ids          {@code [B][T]} token ids
     * @param mask         {@code [B][T]}: nonzero where the token is real
     * @param grids        the images of the whole batch, in the order their pad runs appear (row by row)
     * @param config       the model (token ids; the pads of an image form a {@code h/merge x w/merge} grid)
     * @throws IllegalArgumentException when a row's pads do not form whole images of the given grids in order,
     *                                  or a video pad appears (videos are not implemented)
     */
    public static Qwen25VlPositions compute(int[][] ids, int[][] mask, List<GridThw> grids, Qwen25VlConfig config) {
        int merge = config.vision().spatialMergeSize();
        int b = ids.length;
        int t = b == 0 ? 0 : ids[0].length;
        long[][][] pos = new long[3][b][t];
        long[] deltas = new long[b];
        int image = 0;
        for (int r = 0; r < b; r++) {
            if (ids[r].length != t || mask[r].length != t) {
                throw new IllegalArgumentException("row " + r + " has " + ids[r].length + " ids and " + mask[r].length
                        + " mask values, expected " + t);
            }
            long next = 0;    // position of the next text token
            long max = -1;
            int i = 0;
            while (i < t) {
                if (mask[r][i] == 0) {
                    for (int a = 0; a < 3; a++) {
                        pos[a][r][i] = 1;
                    }
                    i++;
                    continue;
                }
                int id = ids[r][i];
                if (id == config.videoTokenId()) {
                    throw new IllegalArgumentException("row " + r + " position " + i + ": video pads are not implemented");
                }
                if (id != config.imageTokenId()) {
                    for (int a = 0; a < 3; a++) {
                        pos[a][r][i] = next;
                    }
                    max = next;
                    next++;
                    i++;
                    continue;
                }
                if (image >= grids.size()) {
                    throw new IllegalArgumentException("row " + r + " position " + i + ": an image pad run but only "
                            + grids.size() + " images were given");
                }
                GridThw g = grids.get(image++);
                int gh = g.h() / merge;
                int gw = g.w() / merge;
                int count = g.t() * gh * gw;
                for (int k = 0; k < count; k++) {
                    int at = i + k;
                    if (at >= t || mask[r][at] == 0 || ids[r][at] != config.imageTokenId()) {
                        throw new IllegalArgumentException("row " + r + ": image " + (image - 1) + " of grid " + g
                                + " needs " + count + " consecutive image pads from position " + i);
                    }
                    int row = (k / gw) % gh;
                    int col = k % gw;
                    // temporal index: frame * second_per_grid_t * tokens_per_second, and a still image spans 0 s
                    pos[0][r][at] = next;
                    pos[1][r][at] = next + row;
                    pos[2][r][at] = next + col;
                    max = Math.max(max, Math.max(pos[0][r][at], Math.max(pos[1][r][at], pos[2][r][at])));
                }
                next = max + 1;
                i += count;
            }
            deltas[r] = max + 1 - t;
        }
        if (image != grids.size()) {
            throw new IllegalArgumentException(grids.size() + " images were given but the prompts hold " + image
                    + " image pad runs");
        }
        return new Qwen25VlPositions(pos, deltas);
    }
}
