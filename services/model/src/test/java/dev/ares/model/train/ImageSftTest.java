package dev.ares.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ares.core.tasks.BarChartFamily;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.model.DeviceSpec;
import dev.ares.model.bench.DemoVlModel;
import dev.ares.model.qwen.Qwen25VlConfig;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.tokenizer.ChatTemplates;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.model.vision.GridThw;
import dev.ares.model.vision.ImageProcessorConfig;
import dev.ares.model.vision.Qwen2VlImageProcessor;
import dev.ares.model.weights.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SFT with images on the demo Qwen2.5-VL ({@link DemoVlModel}): tokenisation of the image curriculum, the
 * multimodal step loss against an independent per-example computation, the vision tower frozen or trained by
 * configuration, and the written folder (vision weights in Hugging Face layout) reloading to the same weights.
 */
class ImageSftTest {
    @TempDir
    static Path tmp;
    static Path base;
    static SftDataset data;
    static final int PAD = 5;

    @BeforeAll
    static void setUp() {
        base = DemoVlModel.write(tmp.resolve("base"));
        Curriculum c = Curriculum.builder().add(BarChartFamily.NAME, 1, 1.0).build();
        try (QwenTokenizer tok = QwenTokenizer.load(base)) {
            List<ImageSftData.ImageRecord> records = ImageSftData.curriculumRecords(c, 8, 16, 0, PromptFormat.BARE, tok);
            data = ImageSftData.tokenize(records, tok, ChatTemplates.forModel(base),
                    new Qwen2VlImageProcessor(ImageProcessorConfig.load(base)), Qwen25VlConfig.load(base),
                    Set.of(tok.specialId("<|im_end|>")), 512);
        }
    }

    static SftSettings settings(int steps, double lr) {
        return new SftSettings(steps, 4, 512, lr, 0, 1.0, 0.0, 0.9, 0.999, 1.0, 3, steps, 1);
    }

    /** A 112 x 112 chart is 8 x 8 patches, 16 merged tokens: one run of 16 pads between the vision markers. */
    @Test
    void examplesHoldOneExpandedImageRunAndTheResponseAfterTheGenerationPrompt() {
        assertEquals(8, data.size());
        try (QwenTokenizer tok = QwenTokenizer.load(base)) {
            for (SftExample e : data.examples()) {
                assertEquals(List.of(new GridThw(1, 8, 8)), e.images().grids());
                assertEquals(64 * 1176, e.images().pixelValues().length);
                int pads = 0;
                int first = -1;
                for (int i = 0; i < e.length(); i++) {
                    if (e.ids()[i] == PAD) {
                        pads++;
                        first = first < 0 ? i : first;
                    }
                }
                assertEquals(16, pads);
                assertEquals(3, e.ids()[first - 1], "<|vision_start|> before the run");
                assertEquals(4, e.ids()[first + 16], "<|vision_end|> after the run");
                String prompt = tok.decode(java.util.Arrays.copyOf(e.ids(), e.promptLength()));
                assertTrue(prompt.startsWith("<|im_start|>user\n<|vision_start|>"), prompt);
                assertTrue(prompt.endsWith("Which bar is tallest?<|im_end|>\n<|im_start|>assistant\n"), prompt);
                String completion = tok.decode(java.util.Arrays.copyOfRange(e.ids(), e.promptLength(), e.length()));
                assertEquals(e.record().response() + "<|im_end|>", completion);
            }
        }
    }

    @Test
    void placeholderCountMustMatchTheImages() {
        byte[] png = new BarChartFamily().generate(1, 0).problem().image();
        var r = new ImageSftData.ImageRecord(new SftRecord("x", "bar_chart", 1, "<image><image>Which?", "<think>\nA\n"
                + "</think> \\boxed{A}"), List.of(png));
        try (QwenTokenizer tok = QwenTokenizer.load(base)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageSftData.tokenize(
                    List.of(r), tok, ChatTemplates.forModel(base),
                    new Qwen2VlImageProcessor(ImageProcessorConfig.load(base)), Qwen25VlConfig.load(base),
                    Set.of(2), 512));
            assertTrue(e.getMessage().contains("2 <image> placeholders but 1 images"), e.getMessage());
        }
    }

    /** The batched, padded multimodal step loss equals the mean NLL of response tokens scored one example at a time. */
    @Test
    void multimodalStepLossIsTheMeanNllOfResponseTokens() {
        SftSettings s = settings(1, 1e-9);
        double sum = 0;
        long count = 0;
        try (QwenModel loaded = QwenModel.load(base, DeviceSpec.cpu()); NDManager m = loaded.manager().newSubManager()) {
            Qwen25VlModel model = (Qwen25VlModel) loaded;
            for (int i = 0; i < s.batch(); i++) {
                SftExample e = data.at(i, s.seed());
                int n = e.length() - 1;
                long[] ids = new long[n];
                for (int t = 0; t < n; t++) {
                    ids[t] = e.ids()[t];
                }
                Shape sh = new Shape(1, n);
                NDArray logp = model.forwardMultimodal(m.create(ids, sh), m.ones(sh, DataType.INT64), e.images(), null,
                        false).logSoftmax(-1);
                float[] lp = logp.toFloatArray();
                int vocab = (int) logp.getShape().get(2);
                for (int t = e.promptLength() - 1; t < n; t++) {
                    sum -= lp[t * vocab + e.ids()[t + 1]];
                    count++;
                }
            }
            AdamW opt = new AdamW(model.parameters(), 1e-9, 0.9, 0.999, 1e-8, 0);
            SftTrainer.StepStats st = SftTrainer.trainStep(model, opt, data, s, s.schedule(), 1);
            assertEquals(count, st.targetTokens());
            assertEquals(sum / count, st.loss(), 1e-4 * (sum / count));
        }
    }

    @Test
    void frozenVisionKeepsTheTowerAndTrainableVisionChangesIt() throws Exception {
        SftTrainer.run(base, tmp.resolve("frozen"), data, settings(2, 1e-2), DeviceSpec.cpu(), (st, total) -> { },
                false);
        SftTrainer.run(base, tmp.resolve("trained"), data, settings(2, 1e-2), DeviceSpec.cpu(), (st, total) -> { },
                true);
        String vision = "visual.merger.mlp.0.weight";
        String text = "model.layers.0.mlp.down_proj.weight";
        assertArrayEquals(floats(base, vision), floats(tmp.resolve("frozen"), vision));
        assertFalse(java.util.Arrays.equals(floats(base, text), floats(tmp.resolve("frozen"), text)));
        assertFalse(java.util.Arrays.equals(floats(base, vision), floats(tmp.resolve("trained"), vision)));
        assertTrue(Files.isRegularFile(tmp.resolve("trained").resolve("preprocessor_config.json")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SftTrainer.run(base,
                tmp.resolve("trained"), data, settings(2, 1e-2), DeviceSpec.cpu(), (st, total) -> { }, false));
        assertTrue(e.getMessage().contains("vision trainable -> frozen"), e.getMessage());
    }

    /** Every tensor of the source folder comes back from the writer with the same name, shape and values. */
    @Test
    void writerRoundTripsTheVisionTowerInHuggingFaceLayout() throws Exception {
        Path out = tmp.resolve("written");
        try (QwenModel model = QwenModel.load(base, DeviceSpec.cpu())) {
            ((Qwen25VlModel) model).setVisionTrainable(true);
            PolicyWriter.write(model, base, out, dev.ares.model.weights.SafetensorsDType.F32);
        }
        try (SafetensorsFile a = SafetensorsFile.open(base.resolve("model.safetensors"));
             SafetensorsFile b = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(Set.copyOf(a.names()), Set.copyOf(b.names()));
            for (String name : a.names()) {
                assertArrayEquals(a.info(name).shape(), b.info(name).shape(), name);
                assertArrayEquals(floats(base, name), floats(out, name), name);
            }
        }
    }

    private static float[] floats(Path dir, String name) throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            return f.load(name, m, DataType.FLOAT32).toFloatArray();
        }
    }
}
