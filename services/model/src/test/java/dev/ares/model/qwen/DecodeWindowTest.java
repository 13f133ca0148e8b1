package dev.ares.model.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One-token decode steps read the KV cache through window views that grow every {@link KvCache#WINDOW_STEP}
 * slots. Across several window boundaries, with a left-padded row, every step's logits must equal a cache-free
 * forward pass over the whole sequence so far.
 */
class DecodeWindowTest {
    @ParameterizedTest
    @ValueSource(strings = {"qwen2-tiny", "qwen3-tiny"})
    void stepsAcrossWindowBoundariesMatchACacheFreeRecompute(String fixture) {
        int steps = 2 * KvCache.WINDOW_STEP + 10;
        int[] lengths = {17, 11};                       // row 1 is left-padded by 6
        int prompt = 17;
        int total = prompt + steps;
        Random rnd = new Random(5);
        try (QwenModel model = QwenModel.load(Fixtures.dir(fixture), DeviceSpec.cpu());
             NDManager m = model.manager().newSubManager();
             KvCache cache = model.newCache(2, total)) {
            int v = model.config().vocabSize();
            long[][] seq = new long[2][total];
            long[][] mask = new long[2][total];
            long[][] pos = new long[2][total];
            for (int r = 0; r < 2; r++) {
                int pad = prompt - lengths[r];
                for (int t = pad; t < prompt; t++) {
                    seq[r][t] = 9 + rnd.nextInt(v - 9);
                    mask[r][t] = 1;
                    pos[r][t] = t - pad;
                }
            }
            model.forward(slice(m, seq, 0, prompt), slice(m, pos, 0, prompt), slice(m, mask, 0, prompt), cache, true)
                    .close();
            double worst = 0;
            for (int s = 0; s < steps; s++) {
                int at = prompt + s;
                for (int r = 0; r < 2; r++) {
                    seq[r][at] = 9 + rnd.nextInt(v - 9);
                    mask[r][at] = 1;
                    pos[r][at] = pos[r][at - 1] + 1;
                }
                float[] stepLogits;
                try (NDArray l = model.forward(slice(m, seq, at, at + 1), slice(m, pos, at, at + 1),
                        slice(m, mask, at, at + 1).toType(DataType.BOOLEAN, false), cache, true)) {
                    stepLogits = l.toFloatArray();
                }
                if (s % 16 != 0 && s < steps - 2 && Math.abs(s + prompt + 1 - KvCache.WINDOW_STEP) > 1
                        && Math.abs(s + prompt + 1 - 2 * KvCache.WINDOW_STEP) > 1) {
                    continue;                           // recompute a sample of steps, always around the boundaries
                }
                float[] full;
                try (NDArray l = model.forward(slice(m, seq, 0, at + 1), slice(m, pos, 0, at + 1),
                        slice(m, mask, 0, at + 1), null, false);
                     NDArray last = l.get(new NDIndex(":, {}", at))) {
                    full = last.toFloatArray();
                }
                assertEquals(full.length, stepLogits.length);
                for (int i = 0; i < full.length; i++) {
                    worst = Math.max(worst, Math.abs(full[i] - stepLogits[i]));
                }
            }
            assertEquals(total, cache.length());
            assertTrue(worst < 1e-4, "max |cached step - recompute| = " + worst);
        }
    }

    private static NDArray slice(NDManager m, long[][] rows, int from, int to) {
        long[] flat = new long[rows.length * (to - from)];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], from, flat, r * (to - from), to - from);
        }
        return m.create(flat, new Shape(rows.length, to - from));
    }
}
