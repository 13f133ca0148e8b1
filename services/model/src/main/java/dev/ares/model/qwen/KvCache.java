package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Preallocated key/value cache of a batch, written in place. Every layer holds a key and a value buffer
 * {@code [B, kvHeads, capacity, headDim]}. All rows share one slot timeline: slot {@code s} of every row
 * is written by the same forward call, so sequences of different lengths are left-padded and the padded
 * slots are switched off by {@link #keyMask()}. Each row keeps its own next RoPE position.
 *
 * <p>Not thread-safe: one generation loop owns a cache at a time.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final NDArray keyMask;
    private final long[] nextPosition;
    private final int capacity;
    private final int kvHeads;
    private final int headDim;
    private final DataType type;
    private int length;
    /** Slots the cached one-token views cover (0: none yet); see {@link #decodeWindow(int)}. */
    private int window;
    private NDArray[] windowKeysT;
    private NDArray[] windowValues;
    private NDArray windowMask;

    /** One-token steps attend over a window of slots that grows in steps of this many (views are reused in between). */
    static final int WINDOW_STEP = 64;

    /**
     * Allocates an empty cache on {@code parent}'s device.
     *
     * @param layers   decoder layers
     * @param batch    rows
     * @param kvHeads  key/value heads
     * @param headDim  per-head width
     * @param capacity slots per row (prompt plus generated tokens)
     * @param type     element type (the model's compute dtype)
     */
    public KvCache(NDManager parent, int layers, int batch, int kvHeads, int headDim, int capacity, DataType type) {
        if (capacity < 1 || batch < 1) {
            throw new IllegalArgumentException("cache needs batch >= 1 and capacity >= 1, got " + batch + ", " + capacity);
        }
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        Shape shape = new Shape(batch, kvHeads, capacity, headDim);
        for (int i = 0; i < layers; i++) {
            keys[i] = manager.zeros(shape, type);
            values[i] = manager.zeros(shape, type);
        }
        this.keyMask = manager.zeros(new Shape(batch, capacity), DataType.BOOLEAN);
        this.nextPosition = new long[batch];
        this.capacity = capacity;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.type = type;
    }

    /** Rows. */
    public int batch() {
        return nextPosition.length;
    }

    /** Slots per row. */
    public int capacity() {
        return capacity;
    }

    /** Slots written so far (the same for every row). */
    public int length() {
        return length;
    }

    /** Free slots left. */
    public int remaining() {
        return capacity - length;
    }

    /** {@code [B, capacity]} boolean: true where a slot holds a real (non-padding) token. */
    public NDArray keyMask() {
        return keyMask;
    }

    /** The RoPE position the next token of {@code row} takes. */
    public long nextPosition(int row) {
        return nextPosition[row];
    }

    /** Copy of all rows' next RoPE positions. */
    public long[] nextPositions() {
        return nextPosition.clone();
    }

    /**
     * Records that slots {@code [length, length + count)} were filled (their validity was already written
     * to {@link #keyMask()}); each row's next position becomes its last position in {@code positions} + 1.
     *
     * @param positions int64 {@code [B, count]} positions of the tokens just written
     */
    void commit(int count, NDArray positions) {
        require(count);
        long[] last = positions.get(new NDIndex(":, {}", count - 1)).toLongArray();
        for (int r = 0; r < nextPosition.length; r++) {
            nextPosition[r] = last[r] + 1;
        }
        length += count;
    }

    /** Checks that {@code count} more slots fit. */
    void require(int count) {
        if (length + count > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + count + " > capacity " + capacity);
        }
    }

    /** Writes {@code k} and {@code v} ({@code [B, kvHeads, T, headDim]}) at slots {@code [length, length + T)}. */
    void write(int layer, NDArray k, NDArray v) {
        long t = k.getShape().get(2);
        NDIndex at = NDIndex.sliceAxis(2, length, length + t);
        keys[layer].set(at, k);
        values[layer].set(at, v);
    }

    /**
     * Makes the one-token views cover at least slots {@code [0, upto)} and returns their width W: the smallest
     * multiple of {@link #WINDOW_STEP} that holds {@code upto} slots, at most the capacity. The views
     * ({@link #windowKeysT}, {@link #windowValues}, {@link #windowMask}) alias the buffers, so in-place writes
     * show through and they are rebuilt only when the window grows (every {@value #WINDOW_STEP} steps), saving
     * three operations per layer and step. Slots in {@code [length, W)} hold no token: {@link #keyMask()} is false
     * there (it is written only for slots that are filled), so attending over the window masks them off.
     */
    int decodeWindow(int upto) {
        if (window >= upto && windowMask != null) {
            return window;
        }
        closeWindow();
        int w = Math.min(capacity, (upto + WINDOW_STEP - 1) / WINDOW_STEP * WINDOW_STEP);
        NDIndex slots = NDIndex.sliceAxis(2, 0, w);
        windowKeysT = new NDArray[keys.length];
        windowValues = new NDArray[keys.length];
        for (int i = 0; i < keys.length; i++) {
            try (NDArray view = keys[i].get(slots)) {
                windowKeysT[i] = detached(view.transpose(0, 1, 3, 2));
            }
            windowValues[i] = detached(values[i].get(slots));
        }
        try (NDArray view = keyMask.get(NDIndex.sliceAxis(1, 0, w)); NDArray row = view.expandDims(1)) {
            windowMask = detached(row.expandDims(1));
        }
        window = w;
        return w;
    }

    /** Keys of the one-token window, transposed: {@code [B, kvHeads, headDim, W]} (a view; do not close). */
    NDArray windowKeysT(int layer) {
        return windowKeysT[layer];
    }

    /** Values of the one-token window: {@code [B, kvHeads, W, headDim]} (a view; do not close). */
    NDArray windowValues(int layer) {
        return windowValues[layer];
    }

    /** Key mask of the one-token window: boolean {@code [B, 1, 1, W]} (a view; do not close). */
    NDArray windowMask() {
        return windowMask;
    }

    /** Keeps a view out of any open {@link ai.djl.ndarray.NDScope}: it lives until the window is rebuilt or closed. */
    private static NDArray detached(NDArray view) {
        ai.djl.ndarray.NDScope.unregister(view);
        return view;
    }

    private void closeWindow() {
        if (windowMask == null) {
            return;
        }
        for (int i = 0; i < keys.length; i++) {
            windowKeysT[i].close();
            windowValues[i].close();
        }
        windowMask.close();
        windowMask = null;
        window = 0;
    }

    /** View of the keys of slots {@code [0, upto)} of one layer. */
    NDArray keys(int layer, int upto) {
        return keys[layer].get(new NDIndex(":, :, :{}", upto));
    }

    /** View of the values of slots {@code [0, upto)} of one layer. */
    NDArray values(int layer, int upto) {
        return values[layer].get(new NDIndex(":, :, :{}", upto));
    }

    /**
     * A new cache whose {@code copies} rows each start as row {@code row} of this cache cut after
     * {@code upto} slots (branching rollouts: continue one prefix several ways). This cache is unchanged.
     *
     * @param capacity slots per row of the new cache, at least {@code upto}
     */
    public KvCache fork(int row, int upto, int copies, int capacity) {
        if (row < 0 || row >= batch()) {
            throw new IllegalArgumentException("row " + row + " outside [0, " + batch() + ")");
        }
        if (upto < 0 || upto > length) {
            throw new IllegalArgumentException("fork position " + upto + " outside [0, " + length + "]");
        }
        if (capacity < upto || copies < 1) {
            throw new IllegalArgumentException("fork needs copies >= 1 and capacity >= " + upto);
        }
        KvCache f = new KvCache(manager.getParentManager(), keys.length, copies, kvHeads, headDim, capacity, type);
        if (upto > 0) {
            NDIndex src = new NDIndex("{}:{}, :, :{}", row, row + 1, upto);
            NDIndex dst = new NDIndex(":, :, :{}", upto);
            for (int i = 0; i < keys.length; i++) {
                f.keys[i].set(dst, keys[i].get(src));
                f.values[i].set(dst, values[i].get(src));
            }
            f.keyMask.set(new NDIndex(":, :{}", upto), keyMask.get(new NDIndex("{}:{}, :{}", row, row + 1, upto)));
        }
        // RoPE position after `upto` slots: the real tokens among them.
        long valid = keyMask.get(new NDIndex("{}, :{}", row, upto)).toType(DataType.INT64, false).sum().getLong();
        java.util.Arrays.fill(f.nextPosition, valid);
        f.length = upto;
        return f;
    }

    /**
     * Makes row {@code dstRow} continue the first {@code upto} slots of row {@code srcRow}, in place (branching
     * rollouts inside a running batch, docs/rollout.md): the source slots {@code [0, upto)} are copied into the
     * destination row right-aligned, at slots {@code [length - upto, length)}, and the destination's earlier slots
     * are switched off in {@link #keyMask()}. Keys are stored after RoPE and attention looks only at the mask, so
     * the shift changes nothing; the destination's next RoPE position becomes the number of real tokens among
     * the copied slots. Other rows and the shared length are unchanged.
     *
     * @param srcRow row whose prefix is copied, in {@code [0, batch)}
     * @param upto   slots of the source prefix, in {@code [0, length]}
     * @param dstRow row overwritten, in {@code [0, batch)} and different from {@code srcRow}
     */
    public void branchRow(int srcRow, int upto, int dstRow) {
        if (srcRow < 0 || srcRow >= batch() || dstRow < 0 || dstRow >= batch() || srcRow == dstRow) {
            throw new IllegalArgumentException("branchRow needs two different rows in [0, " + batch() + "), got "
                    + srcRow + " -> " + dstRow);
        }
        if (upto < 0 || upto > length) {
            throw new IllegalArgumentException("branch prefix " + upto + " outside [0, " + length + "]");
        }
        int shift = length - upto;
        if (upto > 0) {
            NDIndex src = new NDIndex("{}, :, :{}", srcRow, upto);
            NDIndex dst = new NDIndex("{}, :, {}:{}", dstRow, shift, length);
            for (int i = 0; i < keys.length; i++) {
                try (NDArray k = keys[i].get(src); NDArray v = values[i].get(src)) {
                    keys[i].set(dst, k);
                    values[i].set(dst, v);
                }
            }
        }
        try (NDArray srcMask = keyMask.get(new NDIndex("{}, :{}", srcRow, upto))) {
            if (shift > 0) {
                try (NDArray off = manager.zeros(new Shape(shift), DataType.BOOLEAN)) {
                    keyMask.set(new NDIndex("{}, :{}", dstRow, shift), off);
                }
            }
            if (upto > 0) {
                keyMask.set(new NDIndex("{}, {}:{}", dstRow, shift, length), srcMask);
            }
            nextPosition[dstRow] = upto == 0 ? 0 : srcMask.toType(DataType.INT64, false).sum().getLong();
        }
    }

    /**
     * A new cache assembling rows of other caches (continuous batching: sequences join and leave the running
     * batch). Output row {@code i} is row {@code rows[i]} of {@code sources[i]}, whose real tokens must lie in that
     * source's last {@code keep[i]} slots (true for rows that were left-padded and then only appended to). Each row
     * is copied right-aligned so that its last slot becomes slot {@code max(keep) - 1} of the new cache; the slots
     * before it are padding, switched off in the key mask. Next RoPE positions are carried over. The sources are
     * unchanged.
     *
     * @param sources  one source cache per output row (all with this model's layer count, heads and dtype)
     * @param rows     the source row of each output row
     * @param keep     slots to keep per output row, each in {@code [1, source.length()]}
     * @param capacity slots per row of the new cache, at least {@code max(keep)}
     */
    public static KvCache pack(KvCache[] sources, int[] rows, int[] keep, int capacity) {
        int b = rows.length;
        if (b == 0 || sources.length != b || keep.length != b) {
            throw new IllegalArgumentException("pack needs one source, row and keep per output row, got " + sources.length
                    + ", " + rows.length + ", " + keep.length);
        }
        int length = 0;
        for (int i = 0; i < b; i++) {
            KvCache src = sources[i];
            if (rows[i] < 0 || rows[i] >= src.batch()) {
                throw new IllegalArgumentException("row " + rows[i] + " outside [0, " + src.batch() + ")");
            }
            if (keep[i] < 1 || keep[i] > src.length) {
                throw new IllegalArgumentException("keep " + keep[i] + " outside [1, " + src.length + "]");
            }
            length = Math.max(length, keep[i]);
        }
        if (capacity < length) {
            throw new IllegalArgumentException("capacity " + capacity + " below the packed length " + length);
        }
        KvCache first = sources[0];
        KvCache out = new KvCache(first.manager.getParentManager(), first.keys.length, b, first.kvHeads, first.headDim,
                capacity, first.type);
        out.length = length;
        // Consecutive output rows taken from consecutive rows of one source move as one block: within one source
        // every row is right-aligned at the source's length, so a block needs a single slice copy per layer.
        int i = 0;
        while (i < b) {
            KvCache src = sources[i];
            int j = i + 1;
            while (j < b && sources[j] == src && rows[j] == rows[j - 1] + 1) {
                j++;
            }
            int window = 0;                                   // slots copied: the block's longest row
            for (int k = i; k < j; k++) {
                window = Math.max(window, keep[k]);
            }
            NDIndex from = new NDIndex("{}:{}, :, {}:{}", rows[i], rows[i] + (j - i), src.length - window, src.length);
            NDIndex to = new NDIndex("{}:{}, :, {}:{}", i, j, length - window, length);
            for (int l = 0; l < out.keys.length; l++) {
                out.keys[l].set(to, src.keys[l].get(from));
                out.values[l].set(to, src.values[l].get(from));
            }
            out.keyMask.set(new NDIndex("{}:{}, {}:{}", i, j, length - window, length),
                    src.keyMask.get(new NDIndex("{}:{}, {}:{}", rows[i], rows[i] + (j - i), src.length - window, src.length)));
            for (int k = i; k < j; k++) {
                out.nextPosition[k] = src.nextPosition[rows[k]];
            }
            i = j;
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
