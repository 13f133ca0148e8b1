package dev.ares.model.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.ares.core.aepo.Windows;
import dev.ares.core.trigger.TriggerTable;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.qwen.QwenModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link BranchingGenerator} on the qwen2-tiny fixture (random weights, vocabulary 384) with a synthetic trigger
 * table: every id divisible by 3 decodes to " wait", a trigger word, ids 2 mod 6 to the suffix "ing" (so " wait"
 * followed by it is the word "waiting", no trigger), the others to whole non-trigger words.
 */
class BranchingGeneratorTest {
    static final int MAX = 24;
    static QwenModel model;
    static TriggerTable triggers;
    static int[] p17;
    static int[] p12;

    @BeforeAll
    static void load() throws IOException {
        model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu());
        String[] vocab = new String[model.config().vocabSize()];
        for (int i = 0; i < vocab.length; i++) {
            // whole words, plus a glued suffix now and then: "Ġwait"+"ing" is no trigger (word-level rule)
            vocab[i] = i % 3 == 0 ? "Ġwait" : i % 6 == 2 ? "ing" : "Ġtok" + i;
        }
        triggers = TriggerTable.build(vocab, TriggerVocabulary.of(List.of("wait"), "test"));
        long[] input = GeneratorTest.fixture("qwen2-tiny", "input_ids");
        p17 = GeneratorTest.ints(input, 0, 17);
        p12 = GeneratorTest.ints(input, 17 + 5, 34);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static List<List<BranchedSample>> run(List<BranchGroup> groups, HweWindow w) {
        return new BranchingGenerator(model, null).generate(groups, GenerationParams.sampled(MAX, 1.0, 0), triggers, w);
    }

    static List<BranchedSample> one(BranchGroup g) {
        return run(List.of(g), HweWindow.codeDefault()).get(0);
    }

    @Test
    void iidGroupReproducesTheGeneratorWithTheSameSeed() {
        List<BranchedSample> b = one(BranchGroup.iid(p17, 5, 77));
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            prompts.add(p17);
        }
        List<GenerationResult> g = new Generator(model).generate(prompts, GenerationParams.sampled(MAX, 1.0, 77));
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(g.get(i).ids(), b.get(i).result().ids(), "slot " + i);
            assertArrayEquals(g.get(i).sampledLogprobs(), b.get(i).result().sampledLogprobs(), "slot " + i);
            assertArrayEquals(g.get(i).entropies(), b.get(i).result().entropies(), "slot " + i);
            assertArrayEquals(triggers.flags(g.get(i).ids()), b.get(i).triggers(), "slot " + i);
            assertEquals(-1, b.get(i).parent());
            assertEquals(-1, b.get(i).branchPosition());
        }
    }

    @Test
    void infiniteThresholdTakesNoBranchAndEqualsIid() {
        List<BranchedSample> never = one(new BranchGroup(p17, 6, 3, Double.POSITIVE_INFINITY, 11));
        List<BranchedSample> iid = one(BranchGroup.iid(p17, 6, 11));
        assertEquals(6, never.size());
        for (int i = 0; i < 6; i++) {
            assertFalse(never.get(i).isBranch(), "slot " + i);
            assertArrayEquals(iid.get(i).result().ids(), never.get(i).result().ids(), "slot " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 6, 3", "2, 6, 5", "3, 8, 4", "4, 4, 1"})
    void zeroThresholdSpendsTheWholeBudgetAndKeepsTheGroupSize(long seed, int n, int budget) {
        List<BranchedSample> g = one(new BranchGroup(p17, n, budget, 0.0, seed));
        assertEquals(n, g.size());
        assertEquals(budget, g.stream().filter(BranchedSample::isBranch).count());
        for (int j = 0; j < n - budget; j++) {
            assertFalse(g.get(j).isBranch(), "roots keep their slots");
        }
    }

    /**
     * The branch rule replayed from the roots alone: every HWE event of a root (trigger anchor, complete window, mean
     * {@code >= tau}, computed with core's {@link Windows}) is decided when its window's last token is sampled; the
     * first {@code budget} events in (decision step, root slot) order are the branches, each in the next free reserved
     * slot, sharing the root's tokens, logprobs, entropies and trigger flags up to the branch position.
     */
    @ParameterizedTest
    @CsvSource({"5, 8, 4, 5.74, FORWARD_EXCLUSIVE, 4", "6, 8, 3, 5.735, FORWARD_EXCLUSIVE, 2",
            "7, 6, 2, 5.745, FORWARD_INCLUSIVE, 4", "8, 8, 7, 5.76, FORWARD_INCLUSIVE, 1", "9, 5, 2, 5.9, FORWARD_EXCLUSIVE, 3",
            "10, 8, 5, 5.75, FORWARD_EXCLUSIVE, 3"})
    void branchesAreTheFirstValidatedEventsOfTheRoots(long seed, int n, int budget, double tau, Windows.Mode mode,
                                                     int w) {
        HweWindow window = new HweWindow(w, mode);
        List<BranchedSample> g = run(List.of(new BranchGroup(p17, n, budget, tau, seed)), window).get(0);
        int roots = n - budget;
        List<int[]> events = new ArrayList<>();                                   // {decision step, slot, anchor}
        for (int j = 0; j < roots; j++) {
            GenerationResult r = g.get(j).result();
            assertArrayEquals(triggers.flags(r.ids()), g.get(j).triggers());
            double[] means = Windows.windowMean(r.entropies(), w, mode);
            for (int a = 0; a < means.length; a++) {
                if (g.get(j).triggers()[a] && means[a] >= tau && a + 1 < MAX) {
                    // decided when the window is complete and the anchor's word has ended (one token later)
                    int windowEnd = mode == Windows.Mode.FORWARD_EXCLUSIVE ? a + w : a + w - 1;
                    events.add(new int[] {Math.max(windowEnd, a + 1), j, a});
                }
            }
        }
        events.sort(Comparator.<int[]>comparingInt(e -> e[0]).thenComparingInt(e -> e[1]));
        int expectedBranches = Math.min(budget, events.size());
        assertEquals(expectedBranches, g.stream().filter(BranchedSample::isBranch).count(), "events " + events.size());
        for (int k = 0; k < expectedBranches; k++) {
            BranchedSample b = g.get(roots + k);
            int[] e = events.get(k);
            assertEquals(e[1], b.parent(), "branch " + k);
            assertEquals(e[2] + 1, b.branchPosition(), "branch " + k);
            GenerationResult parent = g.get(b.parent()).result();
            int p = b.branchPosition();
            assertArrayEquals(Arrays.copyOf(parent.ids(), p), Arrays.copyOf(b.result().ids(), p));
            assertArrayEquals(Arrays.copyOf(parent.sampledLogprobs(), p), Arrays.copyOf(b.result().sampledLogprobs(), p));
            assertArrayEquals(Arrays.copyOf(parent.modelLogprobs(), p), Arrays.copyOf(b.result().modelLogprobs(), p));
            assertArrayEquals(Arrays.copyOf(parent.entropies(), p), Arrays.copyOf(b.result().entropies(), p));
            assertArrayEquals(triggers.flags(b.result().ids()), b.triggers());
            assertTrue(g.get(b.parent()).triggers()[p - 1], "the parent's token before the branch position is a trigger");
            assertEquals(MAX, b.result().ids().length, "no EOS: the branch runs to the length limit");
        }
        for (int k = roots + expectedBranches; k < n; k++) {
            assertFalse(g.get(k).isBranch(), "unclaimed reserved slots stay fresh samples");
        }
    }

    /**
     * Every trajectory of a two-group batch (prompts of 17 and 12 tokens, so one is left-padded), branches included,
     * against a cache-free forward of its full token sequence: the logits after each fork give the same exact
     * entropies and logprobs (to 1e-4) at every generated position.
     */
    @Test
    void branchLogitsEqualAFreshFullSequenceForward() {
        List<List<BranchedSample>> out = run(List.of(new BranchGroup(p17, 6, 3, 0.0, 21),
                new BranchGroup(p12, 5, 3, 0.0, 22)), HweWindow.codeDefault());
        int branches = 0;
        for (int g = 0; g < 2; g++) {
            int[] prompt = g == 0 ? p17 : p12;
            for (BranchedSample s : out.get(g)) {
                branches += s.isBranch() ? 1 : 0;
                GenerationResult r = s.result();
                float[][] fresh = recompute(prompt, r.ids());
                for (int t = 0; t < r.ids().length; t++) {
                    assertEquals(fresh[0][t], r.modelLogprobs()[t], 1e-4, "group " + g + " token " + t);
                    assertEquals(fresh[1][t], r.entropies()[t], 1e-4, "group " + g + " token " + t);
                }
            }
        }
        assertEquals(6, branches);
    }

    /** {log p(token t), entropy at t} of a cache-free forward over prompt + response, temperature 1. */
    static float[][] recompute(int[] prompt, int[] response) {
        int len = prompt.length + response.length;
        long[] ids = new long[len];
        long[] pos = new long[len];
        for (int t = 0; t < len; t++) {
            ids[t] = t < prompt.length ? prompt[t] : response[t - prompt.length];
            pos[t] = t;
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray logits = model.forward(m.create(ids, new Shape(1, len)), m.create(pos, new Shape(1, len)),
                    m.ones(new Shape(1, len)), null, false);
            NDArray lp = logits.get(new NDIndex("0, {}:{}", prompt.length - 1, len - 1)).logSoftmax(-1);   // [T, V]
            float[] all = lp.toFloatArray();
            float[] h = lp.exp().mul(lp).sum(new int[] {-1}).neg().toFloatArray();
            int v = (int) lp.getShape().get(1);
            float[] chosen = new float[response.length];
            for (int t = 0; t < response.length; t++) {
                chosen[t] = all[t * v + response[t]];
            }
            return new float[][] {chosen, h};
        }
    }

    @Test
    void seededAndGroupsOfABatchDoNotInfluenceEachOther() {
        BranchGroup a = new BranchGroup(p17, 6, 3, 5.0, 31);
        BranchGroup b = new BranchGroup(p12, 4, 2, 5.0, 32);
        List<List<BranchedSample>> both = run(List.of(a, b), HweWindow.codeDefault());
        List<List<BranchedSample>> again = run(List.of(a, b), HweWindow.codeDefault());
        List<BranchedSample> alone = one(a);
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(both.get(0).get(i).result().ids(), again.get(0).get(i).result().ids(), "rerun slot " + i);
            assertArrayEquals(alone.get(i).result().ids(), both.get(0).get(i).result().ids(), "alone slot " + i);
            assertEquals(alone.get(i).parent(), both.get(0).get(i).parent());
            assertEquals(alone.get(i).branchPosition(), both.get(0).get(i).branchPosition());
        }
        List<BranchedSample> other = one(new BranchGroup(p17, 6, 3, 5.0, 33));
        assertNotEquals(Arrays.toString(alone.get(0).result().ids()), Arrays.toString(other.get(0).result().ids()));
    }

    @Test
    void endOfSequenceEndsRootsAndBranchesAlike() {
        GenerationParams eos = GenerationParams.sampled(MAX, 1.0, 0).withEos(Set.of(5, 7, 11, 13, 17, 19));
        List<BranchedSample> g = new BranchingGenerator(model, null)
                .generate(List.of(new BranchGroup(p17, 8, 4, 0.0, 41)), eos, triggers, HweWindow.codeDefault()).get(0);
        for (BranchedSample s : g) {
            int[] ids = s.result().ids();
            boolean ended = Set.of(5, 7, 11, 13, 17, 19).contains(ids[ids.length - 1]);
            assertEquals(ended ? dev.ares.core.protocol.FinishReason.EOS : dev.ares.core.protocol.FinishReason.LENGTH,
                    s.result().finishReason());
            for (int t = 0; t < ids.length - 1; t++) {
                assertFalse(Set.of(5, 7, 11, 13, 17, 19).contains(ids[t]), "nothing after EOS");
            }
        }
    }

    @Test
    void badInputIsRefusedWithItsName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BranchGroup(p17, 4, 4, 0, 1)).getMessage()
                .contains("branchBudget"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BranchGroup(p17, 4, 1, Double.NaN, 1))
                .getMessage().contains("threshold"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BranchGroup(new int[0], 4, 1, 0, 1))
                .getMessage().contains("prompt"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new HweWindow(0, Windows.Mode.FORWARD_EXCLUSIVE))
                .getMessage().contains("width"));
        TriggerTable small = TriggerTable.build(new String[] {"wait"}, TriggerVocabulary.of(List.of("wait"), "test"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BranchingGenerator(model, null)
                .generate(List.of(BranchGroup.iid(p17, 2, 1)), GenerationParams.sampled(4, 1, 0), small,
                        HweWindow.codeDefault())).getMessage().contains("trigger table"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run(List.of(BranchGroup.iid(new int[] {1, 384}, 2, 1)),
                HweWindow.codeDefault())).getMessage().contains("prompt[1] = 384"));
    }
}
