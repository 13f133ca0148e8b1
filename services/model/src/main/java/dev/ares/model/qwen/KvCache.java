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
        NDIndex at = new NDIndex(":, :, {}:{}", length, length + t);
        keys[layer].set(at, k);
        values[layer].set(at, v);
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

    @Override
    public void close() {
        manager.close();
    }
}
