package dev.ares.model.weights;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files that Hugging Face's {@code safetensors} library reads back: tensors in name
 * order, offsets contiguous from 0, the JSON header padded with spaces to a multiple of 8 bytes (the
 * format's alignment rule), an optional {@code __metadata__} string map ({@code {"format":"pt"}} by
 * default, which {@code transformers} expects). The file is written to a temporary sibling and moved into
 * place, so readers never see a half-written file.
 *
 * <p>DJL's {@code NDList.encode(SAFETENSORS)} also writes this format, but it buffers the whole file and
 * writes no metadata; this writer streams tensor by tensor.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} with metadata {@code {"format": "pt"}}. */
    public static void write(Path file, Map<String, NDArray> tensors) {
        write(file, tensors, Map.of("format", "pt"));
    }

    /**
     * Writes {@code tensors} (any device; copied to the host one at a time) to {@code file}.
     *
     * @param metadata string map stored as {@code __metadata__}; empty for none
     * @throws IllegalArgumentException when a tensor's type has no safetensors name or a name is reserved
     * @throws UncheckedIOException     when the file cannot be written
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        write(file, tensors, metadata, null);
    }

    /**
     * As {@link #write(Path, Map, Map)}, storing every floating tensor as {@code floatsAs} (F32, F16 or BF16;
     * BF16 is rounded to nearest even on the host, since DJL 0.36's PyTorch JNI cannot hold BF16 tensors).
     *
     * @param floatsAs storage type of floating tensors, or null to store each in its own type
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata,
                             SafetensorsDType floatsAs) {
        if (floatsAs != null && floatsAs != SafetensorsDType.F32 && floatsAs != SafetensorsDType.F16
                && floatsAs != SafetensorsDType.BF16 && floatsAs != SafetensorsDType.F64) {
            throw new IllegalArgumentException("floatsAs must be a floating type, got " + floatsAs);
        }
        TreeMap<String, NDArray> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        List<NDArray> order = new ArrayList<>();
        List<SafetensorsDType> types = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("tensor name __metadata__ is reserved by the safetensors format");
            }
            NDArray a = e.getValue();
            SafetensorsDType dt = SafetensorsDType.of(a.getDataType());
            if (dt != null && dt.isFloating() && floatsAs != null) {
                dt = floatsAs;
            }
            if (dt == null) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has type " + a.getDataType()
                        + " which safetensors cannot store");
            }
            long bytes = a.size() * dt.bytes();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dt.name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            ArrayNode off = entry.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes);
            offset += bytes;
            order.add(a);
            types.add(dt);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded);
        head.put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                for (int i = 0; i < order.size(); i++) {
                    writeTensor(ch, order.get(i), types.get(i));
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write safetensors file " + file, e);
        }
    }

    private static void writeTensor(FileChannel ch, NDArray a, SafetensorsDType as) throws IOException {
        if (as == SafetensorsDType.BF16) {
            writeFully(ch, HostConversions.toBf16(a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .toFloatArray()));
        } else if (a.getDataType() != as.djlType()) {
            try (NDArray c = a.toType(as.djlType(), false)) {
                writeFully(ch, c.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
            }
        } else {
            writeFully(ch, a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

}
