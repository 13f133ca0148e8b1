package dev.ares.model.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.ares.core.compute.ServingEngine;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.generation.GenerationResult;
import dev.ares.model.tokenizer.ChatTemplates;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving with images (issue 8 item 4, docs/vision.md "Serving") on the qwen2_5_vl-tiny fixture: the serving engine's
 * greedy continuation of the fixture prompt and {@code aligned.png} is the fixture's reference ({@code greedy_ids});
 * a chat request with an image part gives what {@code ./ares generate --image} gives; image and text requests that
 * share the continuous batch (one prefilled together, joining a running text sequence) each get what they get alone.
 */
class ServingImagesTest {
    private static final String VL = "qwen2_5_vl-tiny";

    @TempDir
    Path tmp;

    private PolicyHolder holder(String fixture) {
        PolicyHolder h = new PolicyHolder(tmp.resolve("checkpoints"), DeviceSpec.cpu(), TriggerVocabulary.loadDefault());
        h.loadFolder(Fixtures.dir(fixture));
        return h;
    }

    private static SamplingParams greedy(int tokens) {
        return new SamplingParams(1.0, 1.0, 1, tokens, 0, List.of());
    }

    private static byte[] aligned() throws IOException {
        return Files.readAllBytes(Fixtures.dir(VL).resolve("aligned.png"));
    }

    private static long[] fixture(String name) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.dir(VL).resolve("expected.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            return f.load(name, m, null).toLongArray();
        }
    }

    @Test
    void fixturePromptWithItsImageGivesTheReferenceGreedyIds() throws IOException {
        long[] input = fixture("input_ids");
        long[] greedy = fixture("greedy_ids");
        int[] prompt = Arrays.stream(input).mapToInt(v -> (int) v).toArray();
        int[] want = Arrays.stream(Arrays.copyOfRange(greedy, input.length, greedy.length)).mapToInt(v -> (int) v).toArray();
        try (PolicyHolder h = holder(VL); ModelServingEngine engine = new ModelServingEngine(h, "vl")) {
            assertTrue(engine.acceptsImages());
            ServingEngine.Completion c = engine.complete(new ServingEngine.Request(null, null, prompt, greedy(want.length),
                    1, 0, false, List.of(new ServingEngine.ImagePart(0, 0, aligned()))));
            assertArrayEquals(want, c.choices().get(0).tokenIds(), "the fixture's 12 greedy ids");
            assertEquals(prompt.length, c.promptIds().length);

            // the same prompt with a single placeholder pad instead of the 20: expanded, same answer
            int pad = prompt[6];
            int[] placeholder = new int[prompt.length - 19];
            System.arraycopy(prompt, 0, placeholder, 0, 7);
            System.arraycopy(prompt, 26, placeholder, 7, prompt.length - 26);
            assertEquals(pad, placeholder[6]);
            ServingEngine.Completion again = engine.complete(new ServingEngine.Request(null, null, placeholder,
                    greedy(want.length), 1, 0, false, List.of(new ServingEngine.ImagePart(0, 0, aligned()))));
            assertArrayEquals(want, again.choices().get(0).tokenIds());
            assertArrayEquals(prompt, again.promptIds(), "the placeholder pad is expanded to the image's 20 tokens");
        }
    }

    @Test
    void chatWithAnImageGivesWhatGenerateGives() throws IOException {
        try (PolicyHolder h = holder(VL); ModelServingEngine engine = new ModelServingEngine(h, "vl")) {
            ServingEngine.Completion c = engine.complete(new ServingEngine.Request(
                    List.of(new ChatMessage("user", "describe the picture")), null, null, greedy(10), 1, 0, true,
                    List.of(new ServingEngine.ImagePart(0, 0, aligned()))));
            // ./ares generate --prompt TEXT --image FILE: LoadedPolicy.sampleWithImages (MultimodalGenerator)
            byte[] png = aligned();
            GenerationResult ref = h.withPolicy(p -> p.sampleWithImages("describe the picture", List.of(png),
                    greedy(10), 1, 0).get(0));
            assertArrayEquals(ref.ids(), c.choices().get(0).tokenIds());
            for (int i = 0; i < ref.ids().length; i++) {
                assertEquals(ref.modelLogprobs()[i], c.choices().get(0).tokens().get(i).logprob(), 1e-4, "logprob " + i);
            }
        }
    }

    @Test
    void imageAndTextRequestsSharingTheBatchGetWhatTheyGetAlone() throws Exception {
        byte[] png = aligned();
        byte[] tiny = Files.readAllBytes(Fixtures.dir("qwen2_5_vl-image-processor").resolve("tiny.png"));
        ServingEngine.Request running = new ServingEngine.Request(List.of(new ChatMessage("user", "count to ten")), null,
                null, greedy(16), 1, 0, true);
        ServingEngine.Request image = new ServingEngine.Request(List.of(new ChatMessage("user", "left and right")), null,
                null, greedy(10), 1, 0, true,
                List.of(new ServingEngine.ImagePart(0, 0, png), new ServingEngine.ImagePart(0, 9, tiny)));
        ServingEngine.Request text = new ServingEngine.Request(List.of(new ChatMessage("user", "what is two plus two")),
                null, null, greedy(10), 1, 0, true);
        try (PolicyHolder h = holder(VL); ModelServingEngine engine = new ModelServingEngine(h, "vl")) {
            ServingEngine.Completion runningAlone = engine.complete(running);
            ServingEngine.Completion imageAlone = engine.complete(image);
            ServingEngine.Completion textAlone = engine.complete(text);

            // the running request's onStart holds the scheduler thread inside its step until the other two are queued,
            // so they are admitted in one later step: one prefill with the image and the text row, packed beside it
            CountDownLatch queued = new CountDownLatch(1);
            List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            CompletableFuture<ServingEngine.Completion> a = new CompletableFuture<>();
            engine.submit(running, new Collect(a, "running", events) {
                @Override
                public void onStart(ServingEngine.Started started) {
                    try {
                        assertTrue(queued.await(60, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            CompletableFuture<ServingEngine.Completion> b = new CompletableFuture<>();
            CompletableFuture<ServingEngine.Completion> c = new CompletableFuture<>();
            engine.submit(image, new Collect(b, "image", events));
            engine.submit(text, new Collect(c, "text", events));
            queued.countDown();
            same(runningAlone, a.get(120, TimeUnit.SECONDS), "running text request");
            same(imageAlone, b.get(120, TimeUnit.SECONDS), "image request");
            same(textAlone, c.get(120, TimeUnit.SECONDS), "text request");
            // one prefill admitted both (both started before either got a token) while the first one was running
            assertTrue(events.indexOf("start text") < events.indexOf("token image"), events.toString());
            assertTrue(events.indexOf("start image") < events.indexOf("token text"), events.toString());
            assertTrue(events.indexOf("token running") < events.indexOf("start image"), events.toString());
            assertTrue(events.indexOf("start text") < events.indexOf("done running"), events.toString());
            assertEquals(3 + 3, engine.load().admitted(), "each request reached the model once per run");
        }
    }

    @Test
    void imagePartsRenderWhereTheyStandInTheirMessage() {
        // the fixture's Jinja template writes the vision block for an image part, in place
        String s = ImageChatPrompt.render(ChatTemplates.forModel(Fixtures.dir(VL)),
                List.of(new ChatMessage("system", "be brief"), new ChatMessage("user", "leftright")),
                List.of(new ServingEngine.ImagePart(1, 4, new byte[] {1}), new ServingEngine.ImagePart(1, 9, new byte[] {1})));
        String block = "<|vision_start|><|image_pad|><|vision_end|>";
        assertEquals("<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nleft" + block + "right" + block
                + "<|im_end|>\n<|im_start|>assistant\n", s);
    }

    @Test
    void imagesToATextModelOrStrayPadsAreRefused() throws IOException {
        try (PolicyHolder h = holder("qwen2-tiny"); ModelServingEngine engine = new ModelServingEngine(h, "text")) {
            assertEquals(false, engine.acceptsImages());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.complete(
                    new ServingEngine.Request(List.of(new ChatMessage("user", "hi")), null, null, greedy(2), 1, 0, false,
                            List.of(new ServingEngine.ImagePart(0, 0, aligned())))));
            assertTrue(e.getMessage().contains("takes text only"), e.getMessage());
        }
        long[] input = fixture("input_ids");
        int[] prompt = Arrays.stream(input).mapToInt(v -> (int) v).toArray();
        try (PolicyHolder h = holder(VL); ModelServingEngine engine = new ModelServingEngine(h, "vl")) {
            // 20 image pads but no image: refused at submission, not inside a shared prefill
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.complete(
                    new ServingEngine.Request(null, null, prompt, greedy(2), 1, 0)));
            assertTrue(e.getMessage().contains("an image pad run but only 0 images were given"), e.getMessage());
            // two images for one pad run
            IllegalArgumentException two = assertThrows(IllegalArgumentException.class, () -> engine.complete(
                    new ServingEngine.Request(null, null, prompt, greedy(2), 1, 0, false,
                            List.of(new ServingEngine.ImagePart(0, 0, aligned()), new ServingEngine.ImagePart(0, 0, aligned())))));
            assertTrue(two.getMessage().contains("2 images"), two.getMessage());
            // not an image
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> engine.complete(
                    new ServingEngine.Request(null, null, prompt, greedy(2), 1, 0, false,
                            List.of(new ServingEngine.ImagePart(0, 0, new byte[] {1, 2, 3})))));
            assertTrue(bad.getMessage().contains("image 0"), bad.getMessage());
        }
    }

    private static void same(ServingEngine.Completion alone, ServingEngine.Completion shared, String what) {
        ServingEngine.Choice x = alone.choices().get(0);
        ServingEngine.Choice y = shared.choices().get(0);
        assertArrayEquals(x.tokenIds(), y.tokenIds(), what + ": ids");
        assertEquals(x.tokenIds().length, y.tokens().size(), what + ": per-token log-probabilities");
        double worst = 0;
        for (int i = 0; i < x.tokenIds().length; i++) {
            worst = Math.max(worst, Math.abs(x.tokens().get(i).logprob() - y.tokens().get(i).logprob()));
            // the model's log-probability of the token (greedy sampling reports 0 for the sampled distribution)
            assertEquals(x.tokens().get(i).logprob(), y.tokens().get(i).logprob(), 1e-4, what + ": logprob " + i);
            assertEquals(x.entropies()[i], y.entropies()[i], 1e-4, what + ": entropy " + i);
        }
        assertArrayEquals(alone.promptIds(), shared.promptIds(), what + ": prompt");
        System.out.printf("shared batch vs alone, %s: %d tokens, logprob max abs diff %.3g%n", what, x.tokenIds().length,
                worst);
    }

    /** Completes a future with the request's result. */
    private static class Collect implements ServingEngine.GenerationListener {
        private final CompletableFuture<ServingEngine.Completion> done;
        private final String name;
        private final List<String> events;

        Collect(CompletableFuture<ServingEngine.Completion> done) {
            this(done, "", new java.util.ArrayList<>());
        }

        /** Also logs "start NAME", "token NAME" (each token) and "done NAME" into {@code events}. */
        Collect(CompletableFuture<ServingEngine.Completion> done, String name, List<String> events) {
            this.done = done;
            this.name = name;
            this.events = events;
        }

        @Override
        public void onStart(ServingEngine.Started started) {
            events.add("start " + name);
        }

        @Override
        public void onToken(int choice, ServingEngine.TokenEvent event) {
            events.add("token " + name);
        }

        @Override
        public void onComplete(ServingEngine.Completion completion) {
            events.add("done " + name);
            done.complete(completion);
        }

        @Override
        public void onError(RuntimeException error) {
            done.completeExceptionally(error);
        }
    }
}
