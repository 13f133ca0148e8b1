package dev.ares.model.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The settings of the Qwen2-VL / Qwen2.5-VL image processor, read from a Hugging Face
 * {@code preprocessor_config.json} ({@code image_processor_type: Qwen2VLImageProcessor}).
 *
 * <p>The pixel budget is read from {@code size: {shortest_edge, longest_edge}} (transformers 4.5x and 5,
 * where both are pixel counts, not edge lengths) or from the older top-level {@code min_pixels} /
 * {@code max_pixels}, which win when present (as in transformers). Every other field has the
 * documented default of {@code Qwen2VLImageProcessor} when absent; present fields are validated and a bad
 * one is a {@link ModelFormatException} naming the file and field.
 *
 * @param file              the file read, or null for {@link #defaults()}
 * @param patchSize         ViT patch edge in pixels ({@code patch_size}, 14)
 * @param mergeSize         patches merged per side into one LLM token ({@code merge_size}, 2)
 * @param temporalPatchSize frames per temporal patch ({@code temporal_patch_size}, 2)
 * @param minPixels         smallest resized area in pixels
 * @param maxPixels         largest resized area in pixels
 * @param doResize          apply the smart resize (when false the image must already be aligned)
 * @param resample          PIL filter id ({@code resample}: 2 bilinear, 3 bicubic)
 * @param doRescale         multiply the 8-bit values by {@code rescaleFactor}
 * @param rescaleFactor     1/255 by default
 * @param doNormalize       subtract {@code mean} and divide by {@code std} per channel
 * @param mean              per-channel mean (R, G, B)
 * @param std               per-channel standard deviation (R, G, B)
 */
public record ImageProcessorConfig(Path file, int patchSize, int mergeSize, int temporalPatchSize, long minPixels,
                                   long maxPixels, boolean doResize, int resample, boolean doRescale,
                                   double rescaleFactor, boolean doNormalize, double[] mean, double[] std) {
    /** The configuration file name of a Hugging Face folder. */
    public static final String FILE = "preprocessor_config.json";
    /** PIL's id of the bilinear filter. */
    public static final int BILINEAR = 2;
    /** PIL's id of the bicubic filter. */
    public static final int BICUBIC = 3;
    private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    /** The defaults of {@code Qwen2VLImageProcessor()} (transformers 5.17). */
    public static ImageProcessorConfig defaults() {
        return new ImageProcessorConfig(null, 14, 2, 2, 56L * 56, 28L * 28 * 1280, true, BICUBIC, true, 1.0 / 255,
                true, CLIP_MEAN.clone(), CLIP_STD.clone());
    }

    /** Reads {@code dir/preprocessor_config.json}. */
    public static ImageProcessorConfig load(Path dir) {
        return read(dir.resolve(FILE));
    }

    /** Reads and validates one {@code preprocessor_config.json}. */
    public static ImageProcessorConfig read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "cannot read image processor configuration: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file, null, "configuration is not a JSON object");
        }
        ImageProcessorConfig d = defaults();
        int patch = positiveInt(file, root, "patch_size", d.patchSize);
        int merge = positiveInt(file, root, "merge_size", d.mergeSize);
        int temporal = positiveInt(file, root, "temporal_patch_size", d.temporalPatchSize);
        long min = d.minPixels;
        long max = d.maxPixels;
        JsonNode size = root.get("size");
        if (size != null && !size.isNull()) {
            if (!size.isObject() || !size.has("shortest_edge") || !size.has("longest_edge")) {
                throw new ModelFormatException(file, "size", "must be an object with shortest_edge and longest_edge"
                        + " (pixel counts), got " + size);
            }
            min = positiveLong(file, size, "shortest_edge", "size.shortest_edge");
            max = positiveLong(file, size, "longest_edge", "size.longest_edge");
        }
        if (root.hasNonNull("min_pixels")) {
            min = positiveLong(file, root, "min_pixels", "min_pixels");
        }
        if (root.hasNonNull("max_pixels")) {
            max = positiveLong(file, root, "max_pixels", "max_pixels");
        }
        if (min > max) {
            throw new ModelFormatException(file, "min_pixels", "minimum pixel count " + min + " exceeds maximum " + max);
        }
        int resample = root.hasNonNull("resample") ? positiveInt(file, root, "resample", BICUBIC) : BICUBIC;
        if (resample != BICUBIC && resample != BILINEAR) {
            throw new ModelFormatException(file, "resample", "PIL filter " + resample
                    + " is not implemented (2 = bilinear, 3 = bicubic)");
        }
        double rescale = d.rescaleFactor;
        if (root.hasNonNull("rescale_factor")) {
            JsonNode n = root.get("rescale_factor");
            if (!n.isNumber() || !(n.asDouble() > 0)) {
                throw new ModelFormatException(file, "rescale_factor", "must be a positive number, got " + n);
            }
            rescale = n.asDouble();
        }
        double[] mean = triple(file, root, "image_mean", d.mean, false);
        double[] std = triple(file, root, "image_std", d.std, true);
        return new ImageProcessorConfig(file, patch, merge, temporal, min, max, bool(file, root, "do_resize", true),
                resample, bool(file, root, "do_rescale", true), rescale, bool(file, root, "do_normalize", true), mean, std);
    }

    /** Pixels per side of one LLM token: {@code patchSize * mergeSize} (the resize alignment). */
    public int factor() {
        return patchSize * mergeSize;
    }

    /** Values per row of {@code pixel_values}: {@code 3 * temporalPatchSize * patchSize^2}. */
    public int patchDim() {
        return 3 * temporalPatchSize * patchSize * patchSize;
    }

    private static boolean bool(Path file, JsonNode root, String field, boolean dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new ModelFormatException(file, field, "must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    private static int positiveInt(Path file, JsonNode root, String field, int dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || n.asLong() <= 0 || n.asLong() > Integer.MAX_VALUE) {
            throw new ModelFormatException(file, field, "must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    private static long positiveLong(Path file, JsonNode node, String field, String name) {
        JsonNode n = node.get(field);
        if (n == null || !n.isIntegralNumber() || n.asLong() <= 0) {
            throw new ModelFormatException(file, name, "must be a positive integer, got " + n);
        }
        return n.asLong();
    }

    private static double[] triple(Path file, JsonNode root, String field, double[] dflt, boolean positive) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt.clone();
        }
        if (!n.isArray() || n.size() != 3) {
            throw new ModelFormatException(file, field, "must be a list of 3 numbers (R, G, B), got " + n);
        }
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            if (!n.get(i).isNumber() || (positive && !(n.get(i).asDouble() > 0))) {
                throw new ModelFormatException(file, field, "item " + i + " must be a " + (positive ? "positive " : "")
                        + "number, got " + n.get(i));
            }
            out[i] = n.get(i).asDouble();
        }
        return out;
    }
}
