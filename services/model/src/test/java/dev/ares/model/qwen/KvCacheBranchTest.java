package dev.ares.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link KvCache#branchRow}: after overwriting a row with another row's prefix inside a running batch, the next
 * logits equal a cache-free forward of the prefix tokens (to 1e-4), whatever the shift and padding.
 */
class KvCacheBranchTest {

    static long[] input() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.dir("qwen2-tiny").resolve("expected.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            return f.load("input_ids", m, null).toLongArray();
        }
    }

    /**
     * Row 0 holds prompt A (17 tokens), row 1 prompt B (12, left-padded); {@code steps} tokens of A's fixture
     * continuation are fed to row 0 (and B's tokens to row 1); then row 1 becomes row 0 cut after {@code keep}
     * generated tokens, is fed A's next token, and its logits are compared with a fresh forward of A + that prefix.
     */
    @ParameterizedTest
    @CsvSource({"6, 0", "6, 3", "6, 6", "9, 1"})
    void branchedRowContinuesTheSourcePrefixExactly(int steps, int keep) throws IOException {
        long[] in = input();
        long[] a = new long[17 + steps + 1];
        for (int t = 0; t < a.length; t++) {
            a[t] = in[(t * 7 + 3) % in.length];                                // any in-vocabulary sequence
        }
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu());
             NDManager m = model.manager().newSubManager();
             KvCache cache = model.newCache(2, 17 + steps + 1)) {
            long[] ids = new long[2 * 17];
            long[] mask = new long[2 * 17];
            long[] pos = new long[2 * 17];
            for (int t = 0; t < 17; t++) {
                ids[t] = a[t];
                mask[t] = 1;
                pos[t] = t;
                if (t >= 5) {
                    ids[17 + t] = in[t];
                    mask[17 + t] = 1;
                    pos[17 + t] = t - 5;
                }
            }
            Shape s = new Shape(2, 17);
            model.forward(m.create(ids, s), m.create(pos, s), m.create(mask, s), cache, true).close();
            for (int k = 0; k < steps; k++) {
                feed(model, m, cache, a[17 + k], in[k]).close();
            }
            // row 0's slots [0, 17 + keep) hold A and generated tokens [0, keep); token 17 + keep is fed next
            cache.branchRow(0, 17 + keep, 1);
            assertEquals(17 + keep, cache.nextPosition(1));
            NDArray logits = feed(model, m, cache, a[17 + steps - 1], a[17 + keep]);
            float[] branched = logits.get(new NDIndex("1, 0")).toFloatArray();
            int len = 17 + keep + 1;
            long[] fullIds = java.util.Arrays.copyOf(a, len);
            long[] fullPos = new long[len];
            for (int t = 0; t < len; t++) {
                fullPos[t] = t;
            }
            float[] fresh = model.forward(m.create(fullIds, new Shape(1, len)), m.create(fullPos, new Shape(1, len)),
                    m.ones(new Shape(1, len)), null, true).get(new NDIndex("0, 0")).toFloatArray();
            assertEquals(fresh.length, branched.length);
            for (int v = 0; v < fresh.length; v++) {
                assertEquals(fresh[v], branched[v], 1e-4, "logit " + v);
            }
            boolean[] keyMask = cache.keyMask().get(new NDIndex("1, :{}", cache.length())).toBooleanArray();
            boolean[] expected = new boolean[cache.length()];
            for (int t = cache.length() - len; t < cache.length(); t++) {
                expected[t] = true;
            }
            assertArrayEquals(expected, keyMask, "the prefix is right-aligned and the rest switched off");
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 0, 3", "0, 2, 3", "0, 1, 99", "5, 1, 2"})
    void badRowsOrLengthsAreRefused(int src, int dst, int upto) {
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu());
             KvCache cache = model.newCache(2, 8)) {
            assertThrows(IllegalArgumentException.class, () -> cache.branchRow(src, upto, dst));
        }
    }

    private static NDArray feed(QwenModel model, NDManager m, KvCache cache, long row0, long row1) {
        Shape s = new Shape(2, 1);
        return model.forward(m.create(new long[] {row0, row1}, s), m.create(cache.nextPositions(), s),
                m.ones(s, DataType.BOOLEAN), cache, true);
    }
}
