package dev.ares.model.vision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ares.model.ModelFormatException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code vision_config} of a Qwen2.5-VL {@code config.json} (the same fields in the transformers 4
 * and 5 layouts; transformers 5 also writes {@code in_channels} and {@code rope_parameters}).
 *
 * @param depth               vision blocks
 * @param hiddenSize          ViT width
 * @param intermediateSize    SwiGLU inner width of a block
 * @param numHeads            attention heads (head width {@code hiddenSize / numHeads}, even)
 * @param patchSize           patch edge in pixels
 * @param spatialMergeSize    patches merged per side by the patch merger
 * @param temporalPatchSize   frames per temporal patch
 * @param windowSize          window edge in pixels of the windowed-attention blocks
 * @param fullAttBlocks       indexes of the blocks with full attention ({@code fullatt_block_indexes})
 * @param outHiddenSize       merger output width (the text model's hidden size)
 * @param inChannels          image channels (3)
 * @param ropeTheta           base of the 2D rotary embedding (10000)
 */
public record Qwen25VisionConfig(int depth, int hiddenSize, int intermediateSize, int numHeads, int patchSize,
                                 int spatialMergeSize, int temporalPatchSize, int windowSize, Set<Integer> fullAttBlocks,
                                 int outHiddenSize, int inChannels, double ropeTheta) {
    /** RMSNorm epsilon of the vision blocks and of the merger (fixed in the reference code). */
    public static final double RMS_EPS = 1e-6;

    /**
     * Reads {@code vision_config} from a parsed {@code config.json}.
     *
     * @throws ModelFormatException naming {@code file} and the field when it is missing or invalid
     */
    public static Qwen25VisionConfig read(Path file, JsonNode root) {
        JsonNode v = root.get("vision_config");
        if (v == null || !v.isObject()) {
            throw new ModelFormatException(file, "vision_config", "missing or not an object");
        }
        String act = v.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new ModelFormatException(file, "vision_config.hidden_act", "'" + act + "' is not supported (silu only)");
        }
        int hidden = positive(file, v, "hidden_size", null);
        int heads = positive(file, v, "num_heads", null);
        if (hidden % heads != 0 || (hidden / heads) % 4 != 0) {
            throw new ModelFormatException(file, "vision_config.num_heads", "head width " + hidden + " / " + heads
                    + " must be a whole multiple of 4 (two rotary axes of even width)");
        }
        int depth = positive(file, v, "depth", null);
        Set<Integer> full = new TreeSet<>();
        JsonNode f = v.get("fullatt_block_indexes");
        if (f != null && !f.isNull()) {
            if (!f.isArray()) {
                throw new ModelFormatException(file, "vision_config.fullatt_block_indexes", "must be a list, got " + f);
            }
            for (JsonNode n : f) {
                if (!n.isInt() || n.asInt() < 0 || n.asInt() >= depth) {
                    throw new ModelFormatException(file, "vision_config.fullatt_block_indexes", "item " + n
                            + " is not a block index in [0, " + depth + ")");
                }
                full.add(n.asInt());
            }
        }
        int patch = positive(file, v, "patch_size", 14);
        int merge = positive(file, v, "spatial_merge_size", 2);
        int window = positive(file, v, "window_size", 112);
        if (window % (patch * merge) != 0) {
            throw new ModelFormatException(file, "vision_config.window_size", window
                    + " is not a multiple of patch_size * spatial_merge_size = " + patch * merge);
        }
        int channels = v.has("in_channels") ? positive(file, v, "in_channels", 3) : positive(file, v, "in_chans", 3);
        double theta = 10000.0;
        JsonNode rp = v.get("rope_parameters");
        if (rp != null && rp.isObject() && rp.has("rope_theta")) {
            if (!rp.get("rope_theta").isNumber() || !(rp.get("rope_theta").asDouble() > 0)) {
                throw new ModelFormatException(file, "vision_config.rope_parameters.rope_theta", "must be positive");
            }
            theta = rp.get("rope_theta").asDouble();
        }
        return new Qwen25VisionConfig(depth, hidden, positive(file, v, "intermediate_size", null), heads, patch, merge,
                positive(file, v, "temporal_patch_size", 2), window, Set.copyOf(full),
                positive(file, v, "out_hidden_size", null), channels, theta);
    }

    /** Per-head width. */
    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Values per patch row of {@code pixel_values}: {@code channels * temporal * patch^2}. */
    public int patchDim() {
        return inChannels * temporalPatchSize * patchSize * patchSize;
    }

    /** Patches merged into one output token: {@code spatialMergeSize^2}. */
    public int mergeUnit() {
        return spatialMergeSize * spatialMergeSize;
    }

    /** Window edge in merged tokens: {@code windowSize / spatialMergeSize / patchSize}. */
    public int windowTokens() {
        return windowSize / spatialMergeSize / patchSize;
    }

    private static int positive(Path file, JsonNode v, String field, Integer dflt) {
        JsonNode n = v.get(field);
        if (n == null || n.isNull()) {
            if (dflt != null) {
                return dflt;
            }
            throw new ModelFormatException(file, "vision_config." + field, "missing");
        }
        if (!n.isIntegralNumber() || n.asLong() <= 0 || n.asLong() > Integer.MAX_VALUE) {
            throw new ModelFormatException(file, "vision_config." + field, "must be a positive integer, got " + n);
        }
        return n.asInt();
    }
}
