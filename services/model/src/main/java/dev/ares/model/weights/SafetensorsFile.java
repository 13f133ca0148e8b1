package dev.ares.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.model.ModelFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading (format: an 8-byte little-endian header length {@code N}, {@code N}
 * bytes of JSON mapping each tensor name to {@code dtype}, {@code shape} and {@code data_offsets} relative to
 * the data section, an optional {@code __metadata__} string map, then the data section).
 *
 * <p>The header is validated completely when the file is opened: every offset pair lies inside the data
 * section, no two tensors overlap, and each byte count equals the element count times the element size.
 * Tensor bytes are memory-mapped ({@link FileChannel#map}) one tensor at a time when asked for, so a
 * multi-gigabyte checkpoint never passes through the Java heap. Every error is a
 * {@link ModelFormatException} naming this file and the tensor.
 */
public final class SafetensorsFile implements Closeable {
    /** Largest header the reader accepts (the reference implementation's limit is 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @throws ModelFormatException when the file is unreadable, truncated, or its header is inconsistent
     */
    public static SafetensorsFile open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ModelFormatException(path, null, "cannot open safetensors file: " + e, e);
        }
        try {
            return parse(path, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel ch) {
        try {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(path, null, "file has " + size
                        + " bytes, fewer than the 8-byte header length (truncated?)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new ModelFormatException(path, null, "header length " + Long.toUnsignedString(headerLen)
                        + " is outside [2, " + MAX_HEADER_BYTES + "]");
            }
            if (8 + headerLen > size) {
                throw new ModelFormatException(path, null, "header length " + headerLen + " runs past the end of the "
                        + size + "-byte file (truncated?)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            String headerText = new String(headerBuf.array(), StandardCharsets.UTF_8);
            JsonNode root;
            try {
                root = JSON.readTree(headerText);
            } catch (IOException e) {
                throw new ModelFormatException(path, null, "header is not valid JSON: " + e.getMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw new ModelFormatException(path, null, "header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    readMetadata(path, e.getValue(), metadata);
                    continue;
                }
                TensorInfo info = readEntry(path, e.getKey(), e.getValue());
                if (info.end() > dataLen) {
                    throw new ModelFormatException(path, info.name(), "data_offsets [" + info.begin() + ", " + info.end()
                            + ") run past the end of the " + dataLen + "-byte data section (truncated file or lying header)");
                }
                tensors.put(info.name(), info);
            }
            checkOverlaps(path, tensors);
            return new SafetensorsFile(path, ch, dataStart, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            throw new ModelFormatException(path, null, "cannot read safetensors header: " + e, e);
        }
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new ModelFormatException(path, "__metadata__", "must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new ModelFormatException(path, "__metadata__." + m.getKey(), "value must be a string");
            }
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    private static TensorInfo readEntry(Path path, String name, JsonNode node) {
        if (!node.isObject()) {
            throw new ModelFormatException(path, name, "header entry is not an object");
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new ModelFormatException(path, name, "missing or non-string dtype");
        }
        SafetensorsDType dtype = SafetensorsDType.byName(dt.asText());
        if (dtype == null) {
            throw new ModelFormatException(path, name, "unsupported dtype '" + dt.asText() + "'");
        }
        JsonNode sh = node.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new ModelFormatException(path, name, "missing or non-array shape");
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new ModelFormatException(path, name, "shape[" + i + "] is not a non-negative integer: " + d);
            }
            shape[i] = d.asLong();
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber()) {
            throw new ModelFormatException(path, name, "data_offsets must be an array of two integers");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new ModelFormatException(path, name, "data_offsets [" + begin + ", " + end + "] are not ordered");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
        long elements;
        try {
            elements = info.elementCount();
            long expected = Math.multiplyExact(elements, dtype.bytes());
            if (expected != end - begin) {
                throw new ModelFormatException(path, name, "shape " + java.util.Arrays.toString(shape) + " of " + dtype
                        + " needs " + expected + " bytes but data_offsets span " + (end - begin));
            }
        } catch (ArithmeticException e) {
            throw new ModelFormatException(path, name, "shape " + java.util.Arrays.toString(shape) + " overflows", e);
        }
        return info;
    }

    private static void checkOverlaps(Path path, Map<String, TensorInfo> tensors) {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo prev = null;
        for (TensorInfo t : sorted) {
            if (t.byteLength() == 0) {
                continue;
            }
            if (prev != null && t.begin() < prev.end()) {
                throw new ModelFormatException(path, t.name(), "data_offsets [" + t.begin() + ", " + t.end()
                        + ") overlap tensor '" + prev.name() + "' at [" + prev.begin() + ", " + prev.end() + ")");
            }
            prev = t;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the open failure is the error worth reporting
        }
    }

    /** The file this reader reads. */
    public Path path() {
        return path;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    /** True when the header lists {@code name}. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** Header entry of {@code name}; throws {@link ModelFormatException} naming the tensor when absent. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(path, name, "tensor not present in this file");
        }
        return t;
    }

    /** The {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Read-only little-endian memory map of one tensor's bytes (no copy onto the heap).
     *
     * @throws ModelFormatException when the tensor is absent, larger than 2 GiB, or the map fails
     */
    public ByteBuffer bytes(String name) {
        TensorInfo t = info(name);
        if (t.byteLength() > Integer.MAX_VALUE) {
            throw new ModelFormatException(path, name, "tensor of " + t.byteLength()
                    + " bytes exceeds the 2 GiB limit of one memory map");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), t.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelFormatException(path, name, "cannot map tensor bytes: " + e, e);
        }
    }

    /**
     * Loads one tensor into {@code manager} (on the manager's device).
     *
     * <p>DJL 0.36's PyTorch JNI aborts the JVM on any BFLOAT16 or INT16 tensor (measured: creating one or
     * converting to one ends the process with "terminate called"), so BF16 is widened to FLOAT32 and I16
     * to INT32 on the host before the tensor is created (see {@link HostConversions}).
     *
     * @param target floating type to convert a floating tensor to (FLOAT32, FLOAT16 or FLOAT64), or null to
     *               keep the stored type (BF16 then arrives as FLOAT32); integer tensors keep their type
     * @return an array of the stored shape, owned by {@code manager}
     */
    public NDArray load(String name, NDManager manager, DataType target) {
        TensorInfo t = info(name);
        ByteBuffer buf = bytes(name);
        DataType want = target == null || !t.dtype().isFloating() ? null : target;
        try {
            if (t.dtype() == SafetensorsDType.BF16 || t.dtype() == SafetensorsDType.I16) {
                return HostConversions.widen(buf, t, manager, want);
            }
            // DJL's PyTorch engine wraps a direct buffer without copying: copy before the mapping can go away.
            try (NDArray alias = manager.create(buf, new Shape(t.shape()), t.dtype().djlType())) {
                return want == null || want == alias.getDataType() ? alias.duplicate() : alias.toType(want, false);
            }
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException(path, name, "cannot create " + t.dtype() + " tensor: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
