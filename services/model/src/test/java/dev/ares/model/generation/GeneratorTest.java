package dev.ares.model.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ares.core.protocol.FinishReason;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.qwen.KvCache;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeneratorTest {
    static long[] fixture(String name, String tensor) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.dir(name).resolve("expected.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            return f.load(tensor, m, null).toLongArray();
        }
    }

    static int[] ints(long[] a, int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = (int) a[i];
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-tiny", "qwen3-tiny"})
    void greedyIdsOfTheFixtureThroughTheKvCache(String name) throws IOException {
        long[] greedy = fixture(name, "greedy_ids");
        long[] input = fixture(name, "input_ids");
        try (QwenModel model = QwenModel.load(Fixtures.dir(name), DeviceSpec.cpu())) {
            List<GenerationResult> r = new Generator(model).generate(List.of(ints(input, 0, 17)),
                    GenerationParams.greedy(24));
            assertArrayEquals(ints(greedy, 17, 41), r.get(0).ids());
            assertEquals(FinishReason.LENGTH, r.get(0).finishReason());
        }
    }

    @Test
    void leftPaddedBatchEqualsEachSequenceAloneAndACacheFreeRecompute() throws IOException {
        long[] input = fixture("qwen2-tiny", "input_ids");
        int[] a = ints(input, 0, 17);
        int[] b = ints(input, 17 + 5, 34);   // the 12 real tokens of row 1
        int[] c = ints(input, 3, 9);
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu())) {
            Generator g = new Generator(model);
            List<GenerationResult> batch = g.generate(List.of(a, b, c), GenerationParams.greedy(12));
            for (int i = 0; i < 3; i++) {
                int[] prompt = List.of(a, b, c).get(i);
                assertArrayEquals(g.generate(List.of(prompt), GenerationParams.greedy(12)).get(0).ids(),
                        batch.get(i).ids(), "row " + i);
                assertArrayEquals(recomputeGreedy(model, prompt, 12), batch.get(i).ids(), "row " + i + " vs recompute");
            }
        }
    }

    /** Greedy decoding by re-running the whole sequence without a cache at every step. */
    static int[] recomputeGreedy(QwenModel model, int[] prompt, int n) {
        int[] seq = Arrays.copyOf(prompt, prompt.length + n);
        try (NDManager m = model.manager().newSubManager()) {
            for (int k = 0; k < n; k++) {
                int len = prompt.length + k;
                long[] ids = new long[len];
                long[] pos = new long[len];
                for (int t = 0; t < len; t++) {
                    ids[t] = seq[t];
                    pos[t] = t;
                }
                NDArray logits = model.forward(m.create(ids, new Shape(1, len)), m.create(pos, new Shape(1, len)),
                        m.ones(new Shape(1, len)), null, true);
                seq[len] = (int) logits.argMax().getLong();
            }
        }
        return Arrays.copyOfRange(seq, prompt.length, prompt.length + n);
    }

    @Test
    void forkedCacheContinuesEachBranchFromThePrefix() throws IOException {
        long[] input = fixture("qwen2-tiny", "input_ids");
        long[] greedy = fixture("qwen2-tiny", "greedy_ids");
        int[] prompt = ints(input, 0, 17);
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu());
             NDManager m = model.manager().newSubManager()) {
            Generator g = new Generator(model);
            KvCache cache = model.newCache(1, 16);
            long[] ids = new long[16];
            long[] pos = new long[16];
            for (int t = 0; t < 16; t++) {
                ids[t] = prompt[t];
                pos[t] = t;
            }
            model.forward(m.create(ids, new Shape(1, 16)), m.create(pos, new Shape(1, 16)), m.ones(new Shape(1, 16)),
                    cache, true).close();
            try (KvCache full = cache.fork(0, 16, 3, 16 + 8)) {
                List<GenerationResult> r = g.continueFrom(full, new int[] {prompt[16], prompt[16], prompt[16]},
                        GenerationParams.greedy(8));
                for (GenerationResult x : r) {
                    assertArrayEquals(ints(greedy, 17, 25), x.ids());
                }
            }
            try (KvCache early = cache.fork(0, 10, 2, 10 + 6)) {
                assertEquals(10, early.nextPosition(0));
                List<GenerationResult> r = g.continueFrom(early, new int[] {prompt[10], prompt[10]},
                        GenerationParams.greedy(6));
                int[] expected = g.generate(List.of(Arrays.copyOf(prompt, 11)), GenerationParams.greedy(6)).get(0).ids();
                assertArrayEquals(expected, r.get(0).ids());
                assertArrayEquals(expected, r.get(1).ids());
            }
            cache.close();
        }
    }

    @Test
    void sampledTokensCarryExactLogprobsAndEntropies() throws IOException {
        long[] input = fixture("qwen3-tiny", "input_ids");
        int[] p0 = ints(input, 0, 17);
        int[] p1 = ints(input, 22, 34);
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen3-tiny"), DeviceSpec.cpu())) {
            Generator g = new Generator(model);
            double temp = 0.7;
            GenerationParams params = new GenerationParams(10, temp, 0.9, 50, 42, Set.of(), List.of(), 3);
            List<GenerationResult> r = g.generate(List.of(p0, p1), params);
            assertEquals(r.get(0).ids().length, 10);
            List<GenerationResult> again = g.generate(List.of(p0, p1), params);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(r.get(i).ids(), again.get(i).ids(), "same seed, same tokens");
                assertArrayEquals(r.get(i).sampledLogprobs(), again.get(i).sampledLogprobs());
            }
            List<GenerationResult> other = g.generate(List.of(p0, p1), new GenerationParams(10, temp, 0.9, 50, 43,
                    Set.of(), List.of(), 0));
            assertNotEquals(Arrays.toString(r.get(0).ids()) + Arrays.toString(r.get(1).ids()),
                    Arrays.toString(other.get(0).ids()) + Arrays.toString(other.get(1).ids()));
            checkAgainstRecompute(model, p0, r.get(0), params);
            checkAgainstRecompute(model, p1, r.get(1), params);
        }
    }

    @Test
    void untruncatedTemperatureOneSamplingLogprobEqualsModelLogprob() throws IOException {
        long[] input = fixture("qwen2-tiny", "input_ids");
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu())) {
            GenerationParams params = GenerationParams.sampled(12, 1.0, 7);
            GenerationResult r = new Generator(model).generate(List.of(ints(input, 0, 17)), params).get(0);
            for (int t = 0; t < 12; t++) {
                assertEquals(r.modelLogprobs()[t], r.sampledLogprobs()[t], 1e-5);
            }
            checkAgainstRecompute(model, ints(input, 0, 17), r, params);
        }
    }

    /**
     * Recomputes every generated position with a cache-free forward of the whole sequence and checks the
     * model logprob, the entropy at the sampling temperature, the truncated-renormalised sampled logprob
     * and the top alternatives, all from the host-side softmax of those logits.
     */
    static void checkAgainstRecompute(QwenModel model, int[] prompt, GenerationResult r, GenerationParams p) {
        int n = r.ids().length;
        int len = prompt.length + n - 1;
        int v = model.config().vocabSize();
        long[] ids = new long[len];
        long[] pos = new long[len];
        for (int t = 0; t < len; t++) {
            ids[t] = t < prompt.length ? prompt[t] : r.ids()[t - prompt.length];
            pos[t] = t;
        }
        float[] logits;
        try (NDManager m = model.manager().newSubManager()) {
            logits = model.forward(m.create(ids, new Shape(1, len)), m.create(pos, new Shape(1, len)),
                    m.ones(new Shape(1, len)), null, false).toFloatArray();
        }
        for (int k = 0; k < n; k++) {
            int row = prompt.length - 1 + k;
            double[] l = new double[v];
            for (int j = 0; j < v; j++) {
                l[j] = logits[row * v + j];
            }
            double[] lp1 = logSoftmax(l, 1.0);
            double[] lpT = logSoftmax(l, p.greedy() ? 1.0 : p.temperature());
            int id = r.ids()[k];
            assertEquals(lp1[id], r.modelLogprobs()[k], 1e-4, "model logprob at " + k);
            double h = 0;
            for (double x : lpT) {
                h -= Math.exp(x) * x;
            }
            assertEquals(h, r.entropies()[k], 1e-4, "entropy at " + k);
            if (!p.greedy()) {
                double[] q = truncated(lpT, p.topK(), p.topP());
                assertTrue(q[id] > 0, "token " + id + " lies inside the truncated support at " + k);
                assertEquals(Math.log(q[id]), r.sampledLogprobs()[k], 1e-4, "sampled logprob at " + k);
            }
            if (p.topLogprobs() > 0) {
                TokenAlternative[] alts = r.alternatives().get(k);
                assertEquals(p.topLogprobs(), alts.length);
                Integer[] order = sortedDescending(lp1);
                for (int j = 0; j < alts.length; j++) {
                    assertEquals(order[j], alts[j].id());
                    assertEquals(lp1[order[j]], alts[j].logprob(), 1e-4);
                }
            }
        }
    }

    static double[] logSoftmax(double[] l, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : l) {
            max = Math.max(max, x / t);
        }
        double z = 0;
        for (double x : l) {
            z += Math.exp(x / t - max);
        }
        double[] out = new double[l.length];
        for (int j = 0; j < l.length; j++) {
            out[j] = l[j] / t - max - Math.log(z);
        }
        return out;
    }

    static Integer[] sortedDescending(double[] lp) {
        Integer[] order = new Integer[lp.length];
        for (int j = 0; j < lp.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (x, y) -> Double.compare(lp[y], lp[x]));
        return order;
    }

    /** Reference truncation: top-k, then the smallest descending prefix of renormalised mass >= top-p. */
    static double[] truncated(double[] lp, int topK, double topP) {
        Integer[] order = sortedDescending(lp);
        int k = topK > 0 ? Math.min(topK, lp.length) : lp.length;
        double mass = 0;
        for (int j = 0; j < k; j++) {
            mass += Math.exp(lp[order[j]]);
        }
        double[] q = new double[lp.length];
        double before = 0;
        double kept = 0;
        for (int j = 0; j < k; j++) {
            double pj = Math.exp(lp[order[j]]);
            if (before >= topP * mass) {
                break;
            }
            q[order[j]] = pj;
            kept += pj;
            before += pj;
        }
        for (int j = 0; j < q.length; j++) {
            q[j] /= kept;
        }
        return q;
    }

    @Test
    void stopsOnEosIdsAndStopStrings() throws IOException {
        long[] greedy = fixture("qwen2-tiny", "greedy_ids");
        long[] input = fixture("qwen2-tiny", "input_ids");
        int[] cont = ints(greedy, 17, 41);
        int[] prompt = ints(input, 0, 17);
        int eosAt = firstOccurrenceIndex(cont, 3);
        int stopAt = firstOccurrenceIndex(cont, 6);
        // Test double: a decoder that spells each id as <id>.
        java.util.function.Function<int[], String> spell = ids -> {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                sb.append('<').append(id).append('>');
            }
            return sb.toString();
        };
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu())) {
            Generator g = new Generator(model, spell);
            GenerationResult eos = g.generate(List.of(prompt), GenerationParams.greedy(24).withEos(Set.of(cont[eosAt])))
                    .get(0);
            assertEquals(FinishReason.EOS, eos.finishReason());
            assertArrayEquals(Arrays.copyOf(cont, eosAt + 1), eos.ids());
            GenerationResult stop = g.generate(List.of(prompt), GenerationParams.greedy(24)
                    .withStop(List.of("<" + cont[stopAt] + ">"))).get(0);
            assertEquals(FinishReason.STOP_SEQUENCE, stop.finishReason());
            assertArrayEquals(Arrays.copyOf(cont, stopAt + 1), stop.ids());
            GenerationResult len = g.generate(List.of(prompt), GenerationParams.greedy(5)).get(0);
            assertEquals(FinishReason.LENGTH, len.finishReason());
            assertArrayEquals(Arrays.copyOf(cont, 5), len.ids());
        }
    }

    /** Index of the first token at or after {@code from} that does not occur before it. */
    static int firstOccurrenceIndex(int[] ids, int from) {
        for (int i = from; i < ids.length; i++) {
            boolean seen = false;
            for (int j = 0; j < i; j++) {
                seen |= ids[j] == ids[i];
            }
            if (!seen) {
                return i;
            }
        }
        throw new IllegalStateException("no fresh token in " + Arrays.toString(ids));
    }
}
