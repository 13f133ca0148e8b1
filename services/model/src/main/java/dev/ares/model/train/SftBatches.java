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
 * {@code rows x padded width <= budget} and {@code rows x heads x width^2 <= }{@link #ATTENTION_ELEMENTS}, so little
 * padding is wasted and attention tensors stay small; an example beyond either bound is a microbatch of its own. Padding is on the right (causal attention keeps real positions unaffected).
 */
public final class SftBatches {
    /**
     * Padded widths are rounded up to a multiple of this, so that microbatch shapes repeat from step to step:
     * libtorch's CPU kernels run a new shape markedly slower the first times they see it (measured on the demo
     * model: 2-3x for the first of three 4 x 510 steps).
     */
    public static final int ALIGN = 64;

    /**
     * Most attention-score elements in one microbatch, {@code rows x heads x T x T} (16 MiB of float32): on top of
     * the token budget, rows of long sequences are limited so that one layer's score tensor stays small. Measured on
     * the demo model (8 heads, 2 shared cores): the forward pass of a 6 x 640 microbatch took 4.4 s of CPU, two
     * 3 x 640 ones far less; score tensors above glibc's 32 MiB mmap threshold are mapped and unmapped on every use.
     */
    public static final long ATTENTION_ELEMENTS = 1L << 22;

    private SftBatches() {
    }

    /** The padded input width of an example list whose longest example has {@code longest} tokens. */
    public static int width(int longest) {
        int w = longest - 1;
        return (w + ALIGN - 1) / ALIGN * ALIGN;
    }

    /**
     * The microbatches of a step, each a list of examples (longest first).
     *
     * @param microTokens token budget, rows x padded width
     * @param heads       attention heads of the model (for the {@link #ATTENTION_ELEMENTS} bound)
     */
    public static List<List<SftExample>> split(List<SftExample> step, int microTokens, int heads) {
        List<SftExample> sorted = new ArrayList<>(step);
        sorted.sort(Comparator.comparingInt(SftExample::length).reversed());
        List<List<SftExample>> out = new ArrayList<>();
        List<SftExample> cur = new ArrayList<>();
        int width = 0;
        for (SftExample e : sorted) {
            if (cur.isEmpty()) {
                width = width(e.length());
            } else if ((long) (cur.size() + 1) * width > microTokens
                    || (long) (cur.size() + 1) * heads * width * width > ATTENTION_ELEMENTS) {
                out.add(cur);
                cur = new ArrayList<>();
                width = width(e.length());
            }
            cur.add(e);
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    /**
     * Arrays of one microbatch of B rows padded to width T = {@link #width} of the longest (inputs are tokens
     * 0..n−2, targets tokens 1..n−1).
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
        int longest = 0;
        for (SftExample e : rows) {
            longest = Math.max(longest, e.length());
        }
        int t = width(longest);
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
