package dev.ares.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition of the vision tower's patch sequence into groups that attend only within themselves (the
 * {@code cu_seqlens} of the reference): one group per image frame for the full-attention blocks, one group
 * per window of {@code windowTokens x windowTokens} merged tokens for the others (Qwen2.5-VL report, Bai
 * et al. 2025, §2.1 "windowed attention").
 *
 * <p>The groups are padded to a common length {@code L} and batched: {@link #gather} picks the rows of
 * {@code [C * L]} padded slots from the {@code [N, ...]} sequence, {@link #scatter} picks each patch's slot
 * back, and {@link #keyBias} switches the padding keys off. Attention inside a group does not depend on
 * the order of its members, so the sequence keeps its processor order (the reference permutes it into
 * window order and back; the results are the same).
 */
public final class AttentionGroups {
    private final int[][] groups;
    private final int patches;
    private final int length;

    private AttentionGroups(int[][] groups, int patches) {
        this.groups = groups;
        this.patches = patches;
        int l = 0;
        for (int[] g : groups) {
            l = Math.max(l, g.length);
        }
        this.length = l;
    }

    /** One group per frame of every image: the full-attention blocks. */
    public static AttentionGroups frames(List<GridThw> grids) {
        List<int[]> out = new ArrayList<>();
        int base = 0;
        for (GridThw g : grids) {
            int frame = g.h() * g.w();
            for (int t = 0; t < g.t(); t++) {
                int[] ids = new int[frame];
                for (int i = 0; i < frame; i++) {
                    ids[i] = base + i;
                }
                out.add(ids);
                base += frame;
            }
        }
        return new AttentionGroups(out.toArray(new int[0][]), base);
    }

    /**
     * One group per window: the merged tokens of a frame are tiled by {@code windowTokens x windowTokens}
     * windows from the top-left corner (the last row and column of windows may be cut short), and a
     * window's group holds the {@code merge^2} patches of each of its tokens.
     *
     * @param merge        spatial merge size (patches per token side)
     * @param windowTokens window edge in merged tokens
     */
    public static AttentionGroups windows(List<GridThw> grids, int merge, int windowTokens) {
        List<int[]> out = new ArrayList<>();
        int unit = merge * merge;
        int base = 0;
        for (GridThw g : grids) {
            int th = g.h() / merge;
            int tw = g.w() / merge;
            int wh = (th + windowTokens - 1) / windowTokens;
            int ww = (tw + windowTokens - 1) / windowTokens;
            for (int t = 0; t < g.t(); t++) {
                for (int a = 0; a < wh; a++) {
                    for (int b = 0; b < ww; b++) {
                        int rows = Math.min(windowTokens, th - a * windowTokens);
                        int cols = Math.min(windowTokens, tw - b * windowTokens);
                        int[] ids = new int[rows * cols * unit];
                        int k = 0;
                        for (int r = 0; r < rows; r++) {
                            for (int c = 0; c < cols; c++) {
                                int token = (a * windowTokens + r) * tw + b * windowTokens + c;
                                for (int u = 0; u < unit; u++) {
                                    ids[k++] = base + token * unit + u;
                                }
                            }
                        }
                        out.add(ids);
                    }
                }
                base += g.h() * g.w();
            }
        }
        return new AttentionGroups(out.toArray(new int[0][]), base);
    }

    /** Number of groups C. */
    public int count() {
        return groups.length;
    }

    /** Padded group length L. */
    public int length() {
        return length;
    }

    /** Patches N covered. */
    public int patches() {
        return patches;
    }

    /** The members of group {@code i}, in sequence indexes. */
    public int[] group(int i) {
        return groups[i].clone();
    }

    /** True when there is one group holding the whole sequence in order (no gathering needed). */
    public boolean isWhole() {
        return groups.length == 1;
    }

    /** int64 {@code [C * L]}: the sequence row of each padded slot (0 for padding). */
    public NDArray gather(NDManager m) {
        long[] idx = new long[groups.length * length];
        for (int c = 0; c < groups.length; c++) {
            for (int j = 0; j < groups[c].length; j++) {
                idx[c * length + j] = groups[c][j];
            }
        }
        return m.create(idx);
    }

    /** int64 {@code [N]}: the padded slot of each sequence row. */
    public NDArray scatter(NDManager m) {
        long[] idx = new long[patches];
        for (int c = 0; c < groups.length; c++) {
            for (int j = 0; j < groups[c].length; j++) {
                idx[groups[c][j]] = (long) c * length + j;
            }
        }
        return m.create(idx);
    }

    /** float32 {@code [C, 1, 1, L]}: 0 for real keys, {@code masked} for padding slots. */
    public NDArray keyBias(NDManager m, float masked) {
        float[] b = new float[groups.length * length];
        for (int c = 0; c < groups.length; c++) {
            for (int j = groups[c].length; j < length; j++) {
                b[c * length + j] = masked;
            }
        }
        return m.create(b, new Shape(groups.length, 1, 1, length)).toType(DataType.FLOAT32, false);
    }
}
