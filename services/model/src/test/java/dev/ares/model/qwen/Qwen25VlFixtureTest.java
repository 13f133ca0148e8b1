package dev.ares.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.GenerationResult;
import dev.ares.model.vision.GridThw;
import dev.ares.model.vision.ImageFeatures;
import dev.ares.model.vision.ImageProcessorConfig;
import dev.ares.model.vision.MultimodalGenerator;
import dev.ares.model.vision.Qwen2VlImageProcessor;
import dev.ares.model.vision.RgbImage;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reproduces the transformers reference outputs of the tiny Qwen2.5-VL fixture (README of
 * fixtures/hf-reference) with both config layouts: the vision tower's {@code image_embeds} within 1e-4,
 * the logits within 5e-4 of the float64 reference at every position, and the 12 greedy tokens exactly
 * through KV-cache generation (multimodal prefill, then decode steps at the RoPE-delta positions).
 *
 * <p>The fixture script called the transformers 5 model without {@code mm_token_type_ids}, so its reference
 * numbered the prompt 0..T-1 on all three RoPE axes instead of applying M-RoPE to the image pads
 * (docs/vision.md). The logits are therefore compared in {@link Qwen25VlPositions.Mode#SEQUENTIAL}; with
 * M-RoPE (the default) the image-pad and later positions differ from that reference by design, and the
 * test checks M-RoPE's decoding against a cache-free recompute instead.
 */
class Qwen25VlFixtureTest {
    static final String FIXTURE = "qwen2_5_vl-tiny";

    @TempDir
    Path tmp;

    private Path folder(String configFile) throws IOException {
        Path dir = Fixtures.copy(FIXTURE, tmp.resolve(FIXTURE));
        Files.copy(Fixtures.dir(FIXTURE).resolve(configFile), dir.resolve("config.json"),
                StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    private static ImageFeatures fixtureImage(SafetensorsFile expected, NDManager m) {
        float[] pv = expected.load("pixel_values", m, null).toFloatArray();
        long[] g = expected.load("image_grid_thw", m, null).toLongArray();
        return new ImageFeatures(pv, 1176, List.of(new GridThw((int) g[0], (int) g[1], (int) g[2])));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"config.json", "config.legacy.json"})
    void imageEmbedsAndLogitsMatchTheReference(String configFile) throws IOException {
        Path dir = folder(configFile);
        try (QwenModel loaded = QwenModel.load(dir, DeviceSpec.cpu());
             SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
             NDManager m = loaded.manager().newSubManager()) {
            Qwen25VlModel model = (Qwen25VlModel) loaded;
            assertArrayEquals(new int[] {2, 3, 3}, model.vlConfig().mropeSection());
            ImageFeatures image = fixtureImage(expected, m);
            float[] embeds = model.visual().forward(image.pixelArray(m), image.grids()).toFloatArray();
            float[] refEmbeds = expected.load("image_embeds", m, null).toFloatArray();
            assertEquals(refEmbeds.length, embeds.length, "image_embeds size");
            double maxEmbed = maxAbs(embeds, refEmbeds);

            NDArray ids = expected.load("input_ids", m, null);
            NDArray mask = expected.load("attention_mask", m, null);
            float[] logits = model.forwardMultimodal(ids, mask, image, null, false,
                    Qwen25VlPositions.Mode.SEQUENTIAL).toFloatArray();
            double[] ref = expected.load("logits_f64", m, null).toDoubleArray();
            assertEquals(ref.length, logits.length, "logits size");
            double maxLogit = 0;
            for (int i = 0; i < ref.length; i++) {
                maxLogit = Math.max(maxLogit, Math.abs(logits[i] - ref[i]));
            }
            System.out.printf("qwen2_5_vl-tiny %s: image_embeds max abs %.3g, logits max abs %.3g%n", configFile,
                    maxEmbed, maxLogit);
            assertTrue(maxEmbed < 1e-4, "max |image_embeds - reference| = " + maxEmbed);
            assertTrue(maxLogit < 5e-4, "max |logits - logits_f64| = " + maxLogit);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"config.json, SEQUENTIAL", "config.legacy.json, SEQUENTIAL", "config.json, MULTIMODAL",
            "config.legacy.json, MULTIMODAL"})
    void greedyIdsMatchThroughTheKvCache(String configFile, Qwen25VlPositions.Mode mode) throws IOException {
        Path dir = folder(configFile);
        try (QwenModel loaded = QwenModel.load(dir, DeviceSpec.cpu());
             SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
             NDManager m = loaded.manager().newSubManager()) {
            Qwen25VlModel model = (Qwen25VlModel) loaded;
            long[] prompt = expected.load("input_ids", m, null).toLongArray();
            long[] greedy = expected.load("greedy_ids", m, null).toLongArray();
            int[] ids = Arrays.stream(prompt).mapToInt(v -> (int) v).toArray();
            // the image as the processor makes it from aligned.png (the fixture's pixel_values came from it)
            ImageFeatures image = new Qwen2VlImageProcessor(ImageProcessorConfig.load(dir))
                    .process(RgbImage.read(dir.resolve("aligned.png")));
            GenerationResult r = new MultimodalGenerator(model, null)
                    .generate(List.of(ids), image, GenerationParams.greedy(12), mode).get(0);
            long[] want = Arrays.copyOfRange(greedy, prompt.length, greedy.length);
            assertArrayEquals(want, Arrays.stream(r.ids()).asLongStream().toArray(), "greedy ids");

            // decoding at the RoPE-delta positions equals one cache-free pass over prompt + generated tokens
            long[] full = Arrays.copyOf(greedy, greedy.length);
            NDArray fullIds = m.create(full, new Shape(1, full.length));
            float[] logits = model.forwardMultimodal(fullIds, m.ones(new Shape(1, full.length), DataType.INT64), image,
                    null, false, mode).toFloatArray();
            int v = model.config().vocabSize();
            double maxDiff = 0;
            for (int k = 0; k < 12; k++) {
                int row = prompt.length - 1 + k;
                double[] lr = new double[v];
                for (int j = 0; j < v; j++) {
                    lr[j] = logits[row * v + j];
                }
                double logprob = lr[r.ids()[k]] - logSumExp(lr);
                maxDiff = Math.max(maxDiff, Math.abs(logprob - r.modelLogprobs()[k]));
            }
            System.out.printf("qwen2_5_vl-tiny %s %s: cached vs cache-free logprob max abs %.3g%n", configFile, mode,
                    maxDiff);
            assertTrue(maxDiff < 1e-4, "cached decode vs cache-free recompute: " + maxDiff);
        }
    }

    /** Two prompts with images of different sizes: batched (left-padded) generation equals each prompt alone. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"MULTIMODAL", "SEQUENTIAL"})
    void batchedPromptsWithDifferentImagesMatchSinglePrompts(Qwen25VlPositions.Mode mode) throws IOException {
        Path dir = folder("config.json");
        Path images = Fixtures.dir("qwen2_5_vl-image-processor");
        try (QwenModel loaded = QwenModel.load(dir, DeviceSpec.cpu())) {
            Qwen25VlModel model = (Qwen25VlModel) loaded;
            Qwen2VlImageProcessor proc = new Qwen2VlImageProcessor(ImageProcessorConfig.load(dir));
            ImageFeatures tiny = proc.process(RgbImage.read(images.resolve("tiny.png")));          // 6 tokens
            ImageFeatures wide = proc.process(RgbImage.read(images.resolve("unaligned.png")));     // 20 tokens
            ImageFeatures aligned = proc.process(RgbImage.read(images.resolve("aligned.png")));    // 20 tokens
            int[] a = prompt(new int[] {40, 41}, 6, new int[] {42, 43, 44});
            int[] both = concat(prompt(new int[] {50}, 20, new int[] {51}), prompt(new int[] {52}, 20, new int[] {53}));
            MultimodalGenerator gen = new MultimodalGenerator(model, null);
            GenerationParams params = GenerationParams.greedy(6);
            List<GenerationResult> batch = gen.generate(List.of(a, both),
                    ImageFeatures.concat(List.of(tiny, wide, aligned)), params, mode);
            GenerationResult aloneA = gen.generate(List.of(a), tiny, params, mode).get(0);
            GenerationResult aloneB = gen.generate(List.of(both), ImageFeatures.concat(List.of(wide, aligned)), params,
                    mode).get(0);
            assertArrayEquals(aloneA.ids(), batch.get(0).ids());
            assertArrayEquals(aloneB.ids(), batch.get(1).ids());
            assertTrue(maxAbs(aloneA.modelLogprobs(), batch.get(0).modelLogprobs()) < 1e-4);
            assertTrue(maxAbs(aloneB.modelLogprobs(), batch.get(1).modelLogprobs()) < 1e-4);
        }
    }

    /** text, {@code <|vision_start|>}, {@code pads} image pads, {@code <|vision_end|>}, text. */
    static int[] prompt(int[] before, int pads, int[] after) {
        int[] p = new int[before.length + pads + 2 + after.length];
        System.arraycopy(before, 0, p, 0, before.length);
        p[before.length] = 3;
        Arrays.fill(p, before.length + 1, before.length + 1 + pads, 5);
        p[before.length + 1 + pads] = 4;
        System.arraycopy(after, 0, p, before.length + pads + 2, after.length);
        return p;
    }

    static int[] concat(int[] x, int[] y) {
        int[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double d : x) {
            max = Math.max(max, d);
        }
        double z = 0;
        for (double d : x) {
            z += Math.exp(d - max);
        }
        return max + Math.log(z);
    }

    static double maxAbs(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
