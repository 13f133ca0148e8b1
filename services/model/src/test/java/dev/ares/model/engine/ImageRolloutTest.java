package dev.ares.model.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ares.core.compute.RolloutEngine.Outcome;
import dev.ares.core.io.ImageBlobs;
import dev.ares.core.learner.CurriculumPrompts;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.Trajectory;
import dev.ares.core.tasks.BarChartFamily;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.trigger.TokenNormalizer;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.bench.DemoVlModel;
import dev.ares.model.generation.HweWindow;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.model.vision.ImageFeatures;
import dev.ares.model.vision.ImageProcessorConfig;
import dev.ares.model.vision.Qwen2VlImageProcessor;
import dev.ares.model.vision.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelRolloutEngine} on image prompts (docs/rollout.md "Image prompts") with the demo-size random Qwen2.5-VL
 * ({@link DemoVlModel}) and bar-chart prompts stored in a blob root by {@link CurriculumPrompts}: every trajectory's
 * behaviour log-probabilities and entropies equal a teacher-forced multimodal forward of prompt + response with the
 * image (cache-free, so the RoPE delta of the decode and of branches is checked independently), and differ from the
 * same forward without the image or with another image; a missing or corrupt blob fails only its request.
 */
class ImageRolloutTest {
    private static final double TOL = 1e-4;

    @TempDir
    static Path tmp;
    private static Path model;
    private static Path blobs;
    private static List<Prompt> prompts;

    @BeforeAll
    static void setUp() {
        model = DemoVlModel.write(tmp.resolve("demo-vl"));
        blobs = tmp.resolve("blobs");
        Curriculum c = Curriculum.builder().add(BarChartFamily.NAME, 1, 1.0).build();
        prompts = new CurriculumPrompts(c, 11, PromptFormat.BARE, blobs).prompts(0, 3);
    }

    /** Every token of the demo tokenizer is a trigger word, so that hwe-branch groups do branch at threshold 0. */
    private static PolicyHolder holder() {
        Set<String> words = new HashSet<>();
        try (QwenTokenizer t = QwenTokenizer.load(model)) {
            for (int id = 0; id < t.vocabSize(); id++) {
                String w = TokenNormalizer.normalize(t.decode(new int[] {id}));
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        }
        PolicyHolder h = new PolicyHolder(tmp.resolve("checkpoints"), DeviceSpec.cpu(), TriggerVocabulary.of(words, "test"));
        h.loadFolder(model);
        return h;
    }

    private static RolloutRequest request(String gid, Prompt p, int n, ExplorationMode mode, int budget, long seed) {
        return new RolloutRequest("r-" + gid, gid, "run", 0, 1, 0, p, n,
                new SamplingParams(1.0, 1.0, 0, 14, seed, List.of()), mode, budget, 0.0, 0);
    }

    /** The prompt's image read from the blob store and processed independently of the engine. */
    private static ImageFeatures features(Prompt p) throws Exception {
        byte[] png = ImageBlobs.read(blobs, p.imageRefs().get(0), "test");
        return new Qwen2VlImageProcessor(ImageProcessorConfig.load(model)).process(List.of(RgbImage.decode(png, "test")));
    }

    /** Teacher-forced log-probabilities and entropies (temperature 1) of the response tokens: [2][T]. */
    private static double[][] forced(Qwen25VlModel m, int[] prompt, int[] response, ImageFeatures images) {
        int len = prompt.length + response.length;
        long[] ids = new long[len];
        long[] mask = new long[len];
        long[] pos = new long[len];
        for (int i = 0; i < len; i++) {
            ids[i] = i < prompt.length ? prompt[i] : response[i - prompt.length];
            mask[i] = 1;
            pos[i] = i;
        }
        int v = m.config().vocabSize();
        try (NDManager nd = m.manager().newSubManager()) {
            Shape s = new Shape(1, len);
            NDArray logits = images == null
                    ? m.forward(nd.create(ids, s), nd.create(pos, s), nd.create(mask, s), null, false)
                    : m.forwardMultimodal(nd.create(ids, s), nd.create(mask, s), images, null, false);
            float[] lp = logits.logSoftmax(-1).toFloatArray();
            double[][] out = new double[2][response.length];
            for (int j = 0; j < response.length; j++) {
                int row = (prompt.length - 1 + j) * v;
                out[0][j] = lp[row + response[j]];
                double h = 0;
                for (int k = 0; k < v; k++) {
                    h -= Math.exp(lp[row + k]) * lp[row + k];
                }
                out[1][j] = h;
            }
            return out;
        }
    }

    private static double maxDiff(float[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < b.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void imageGroupsMatchATeacherForcedForwardWithTheImageInIidAndBranchingMode() throws Exception {
        try (PolicyHolder h = holder(); Qwen25VlModel m = (Qwen25VlModel) QwenModel.load(model, DeviceSpec.cpu())) {
            ModelRolloutEngine engine = new ModelRolloutEngine(h, HweWindow.codeDefault(), 64, blobs);
            Prompt text = new Prompt(List.of(new dev.ares.core.protocol.ChatMessage("user", "1 + 2 =")), List.of(),
                    "3", "addition", null);
            List<RolloutRequest> reqs = List.of(
                    request("iid", prompts.get(0), 3, ExplorationMode.IID, 0, 5),
                    request("text", text, 2, ExplorationMode.IID, 0, 6),
                    request("branch", prompts.get(1), 5, ExplorationMode.HWE_BRANCH, 3, 7));
            List<Outcome> out = engine.generateAll(reqs);
            int branches = 0;
            double worst = 0;
            double worstWithout = Double.MAX_VALUE;
            double worstOther = Double.MAX_VALUE;
            int imageTokenId = m.vlConfig().imageTokenId();
            for (int i : new int[] {0, 2}) {
                assertNull(out.get(i).error(), () -> String.valueOf(out.get(i).error()));
                RolloutGroup g = out.get(i).group();
                ImageFeatures f = features(reqs.get(i).prompt());
                ImageFeatures other = features(prompts.get(2));
                int[] prompt = g.promptTokenIds();
                long pads = java.util.Arrays.stream(prompt).filter(t -> t == imageTokenId).count();
                assertEquals(m.imageTokens(f.grids().get(0)), pads, "image pads of the expanded prompt");
                assertEquals(reqs.get(i).n(), g.trajectories().size());
                for (Trajectory t : g.trajectories()) {
                    assertTrue(t.length() > 0);
                    assertEquals(0, t.policyVersion());
                    branches += t.branchParent() != null ? 1 : 0;
                    double[][] ref = forced(m, prompt, t.tokenIds(), f);
                    worst = Math.max(worst, Math.max(maxDiff(t.sampledLogprobs(), ref[0]),
                            Math.max(maxDiff(t.modelLogprobs(), ref[0]), maxDiff(t.entropies(), ref[1]))));
                    worstWithout = Math.min(worstWithout, maxDiff(t.sampledLogprobs(), forced(m, prompt, t.tokenIds(), null)[0]));
                    worstOther = Math.min(worstOther, maxDiff(t.sampledLogprobs(), forced(m, prompt, t.tokenIds(), other)[0]));
                }
            }
            assertNull(out.get(1).error());
            System.out.printf("image rollout: max |behaviour - forced| %.3g, closest text-only %.3g, closest other image"
                    + " %.3g, branches %d%n", worst, worstWithout, worstOther, branches);
            assertTrue(branches >= 1, "the hwe-branch image group branched " + branches + " times");
            assertTrue(worst <= TOL, "behaviour logprobs / entropies vs the teacher-forced forward with the image: " + worst);
            // the image matters: every trajectory's logprobs move by far more than the tolerance without it or with
            // another chart
            assertTrue(worstWithout > 100 * TOL, "closest text-only forward differs by only " + worstWithout);
            assertTrue(worstOther > 10 * TOL, "closest other-image forward differs by only " + worstOther);
        }
    }

    @Test
    void anImageGroupIsTheSameAloneAndInABatchWithOtherGroups() {
        try (PolicyHolder h = holder()) {
            ModelRolloutEngine engine = new ModelRolloutEngine(h, HweWindow.codeDefault(), 64, blobs);
            RolloutRequest a = request("a", prompts.get(0), 3, ExplorationMode.HWE_BRANCH, 1, 21);
            Prompt text = new Prompt(List.of(new dev.ares.core.protocol.ChatMessage("user",
                    "A longer text prompt that pads the image prompt on the left")), List.of(), "3", "addition", null);
            RolloutGroup alone = engine.generate(a);
            List<Outcome> mixed = engine.generateAll(List.of(request("t", text, 2, ExplorationMode.IID, 0, 22), a,
                    request("b", prompts.get(1), 2, ExplorationMode.IID, 0, 23)));
            RolloutGroup inBatch = mixed.get(1).group();
            assertNotNull(inBatch);
            // the case this test is about: the text prompt is the longest, so the image rows are left-padded
            assertTrue(mixed.get(0).group().promptTokenIds().length > inBatch.promptTokenIds().length,
                    "text prompt " + mixed.get(0).group().promptTokenIds().length + " tokens, image prompt "
                            + inBatch.promptTokenIds().length);
            for (int j = 0; j < 3; j++) {
                Trajectory x = alone.trajectories().get(j);
                Trajectory y = inBatch.trajectories().get(j);
                assertArrayEquals(x.tokenIds(), y.tokenIds(), "slot " + j);
                assertEquals(x.branchParent(), y.branchParent());
                for (int k = 0; k < x.length(); k++) {
                    assertEquals(x.sampledLogprobs()[k], y.sampledLogprobs()[k], TOL, "slot " + j + " token " + k);
                }
            }
        }
    }

    @Test
    void missingOrCorruptBlobsFailOnlyTheirRequestNamingTheReference() throws Exception {
        String missing = "blob:sha256:" + "ab".repeat(32);
        Prompt good = prompts.get(0);
        Path corruptRoot = tmp.resolve("corrupt-blobs");
        String ref = good.imageRefs().get(0);
        byte[] png = ImageBlobs.read(blobs, ref, "test");
        Files.createDirectories(corruptRoot.resolve("sha256"));
        png[png.length / 2] ^= 1;
        Files.write(corruptRoot.resolve("sha256").resolve(ref.substring("blob:sha256:".length())), png);
        Prompt noImage = new Prompt(good.messages(), List.of(missing), good.referenceAnswer(), good.source(), null);
        try (PolicyHolder h = holder()) {
            List<Outcome> out = new ModelRolloutEngine(h, HweWindow.codeDefault(), 64, blobs).generateAll(List.of(
                    request("ok", good, 2, ExplorationMode.IID, 0, 1), request("gone", noImage, 2, ExplorationMode.IID, 0, 2)));
            assertNull(out.get(0).error());
            ImageInputException e = assertInstanceOf(ImageInputException.class, out.get(1).error());
            assertEquals(missing, e.ref());
            assertTrue(e.getMessage().contains(missing) && e.getMessage().contains("r-gone"), e.getMessage());

            Outcome corrupt = new ModelRolloutEngine(h, HweWindow.codeDefault(), 64, corruptRoot)
                    .generateAll(List.of(request("bad", good, 2, ExplorationMode.IID, 0, 3))).get(0);
            e = assertInstanceOf(ImageInputException.class, corrupt.error());
            assertTrue(e.getMessage().contains(ref) && e.getMessage().contains("hash"), e.getMessage());

            Outcome noRoot = new ModelRolloutEngine(h).generateAll(List.of(request("x", good, 2, ExplorationMode.IID, 0, 4)))
                    .get(0);
            e = assertInstanceOf(ImageInputException.class, noRoot.error());
            assertTrue(e.getMessage().contains("ares.blobs.root"), e.getMessage());
        }
    }

    @Test
    void aTextPromptSpellingImagePadsFailsOnlyItselfInABatchWithAnImageGroup() throws Exception {
        Prompt stray = new Prompt(List.of(new dev.ares.core.protocol.ChatMessage("user",
                "What is <|vision_start|><|image_pad|><|vision_end|> 1 + 2?")), List.of(), "3", "addition", null);
        try (PolicyHolder h = holder(); QwenTokenizer t = QwenTokenizer.load(model);
             Qwen25VlModel m = (Qwen25VlModel) QwenModel.load(model, DeviceSpec.cpu())) {
            // precondition: the tokenizer does turn the special-token text into the image pad id
            int pad = m.vlConfig().imageTokenId();
            int[] ids = t.encode("<|image_pad|>");
            assertEquals(1, ids.length, "one id for the pad text");
            assertEquals(pad, ids[0], "the pad text encodes to the image pad id");
            List<Outcome> out = new ModelRolloutEngine(h, HweWindow.codeDefault(), 64, blobs).generateAll(List.of(
                    request("img", prompts.get(0), 2, ExplorationMode.IID, 0, 31),
                    request("stray", stray, 2, ExplorationMode.IID, 0, 32),
                    request("img2", prompts.get(1), 2, ExplorationMode.IID, 0, 33)));
            assertNull(out.get(0).error(), () -> String.valueOf(out.get(0).error()));
            assertNull(out.get(2).error(), () -> String.valueOf(out.get(2).error()));
            assertEquals(2, out.get(0).group().trajectories().size());
            assertEquals(2, out.get(2).group().trajectories().size());
            IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, out.get(1).error());
            assertNull(out.get(1).group());
            assertTrue(e.getMessage().contains("r-stray") && e.getMessage().contains("image pad"), e.getMessage());
        }
    }
}
