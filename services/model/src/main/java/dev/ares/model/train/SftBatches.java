package dev.ares.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits the examples of one optimiser step into microbatches under a token budget and builds their arrays.
 * Examples are sorted by length (longest first, ties by position in the step) and packed greedily while
 * {@code rows x longest length <= budget}, so little padding is wasted; an example longer than the budget is a
 * microbatch of its own. Padding is on the right (causal attention keeps real positions unaffected).
 */
public final class SftBatches {
    private SftBatches() {
    }

    /** The microbatches of a step, each a list of examples (longest first). */
    public static List<List<SftExample>> split(List<SftExample> step, int microTokens) {
        List<SftExample> sorted = new ArrayList<>(step);
        sorted.sort(Comparator.comparingInt(SftExample::length).reversed());
        List<List<SftExample>> out = new ArrayList<>();
        List<SftExample> cur = new ArrayList<>();
        int width = 0;
        for (SftExample e : sorted) {
            if (cur.isEmpty()) {
                width = e.length() - 1;
            } else if ((long) (cur.size() + 1) * width > microTokens) {
                out.add(cur);
                cur = new ArrayList<>();
                width = e.length() - 1;
            }
            cur.add(e);
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    /**
     * Arrays of one microbatch of B rows padded to width T = longest length − 1 (inputs are tokens 0..n−2, targets
     * tokens 1..n−1).
     *
     * @param ids       int64 {@code [B, T]} input ids (padding 0)
     * @param positions int64 {@code [B, T]} positions 0..T−1
     * @param mask      int64 {@code [B, T]}: 1 on real input tokens
     * @param targets   int64 {@code [B, T]} next-token targets (padding 0)
     * @param lossMask  float32 {@code [B, T]}: 1 where the target is a response token
     */
    public record Micro(NDArray ids, NDArray positions, NDArray mask, NDArray targets, NDArray lossMask) {
    }

    /** Builds the arrays of {@code rows} in {@code m}. */
    public static Micro arrays(List<SftExample> rows, NDManager m) {
        int b = rows.size();
        int t = 0;
        for (SftExample e : rows) {
            t = Math.max(t, e.length() - 1);
        }
        long[] ids = new long[b * t];
        long[] pos = new long[b * t];
        long[] mask = new long[b * t];
        long[] tgt = new long[b * t];
        float[] loss = new float[b * t];
        for (int r = 0; r < b; r++) {
            SftExample e = rows.get(r);
            int[] x = e.ids();
            for (int i = 0; i < t; i++) {
                int k = r * t + i;
                pos[k] = i;
                if (i < x.length - 1) {
                    ids[k] = x[i];
                    mask[k] = 1;
                    tgt[k] = x[i + 1];
                    loss[k] = i + 1 >= e.promptLength() ? 1f : 0f;
                }
            }
        }
        Shape s = new Shape(b, t);
        return new Micro(m.create(ids, s), m.create(pos, s), m.create(mask, s), m.create(tgt, s),
                m.create(loss, s).toType(DataType.FLOAT32, false));
    }
}
