package dev.ares.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.model.Fixtures;
import dev.ares.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
    @TempDir
    Path tmp;

    @Test
    void headerFollowsTheFormatSpec() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("b", m.create(new float[] {1, 2, 3}));
            t.put("a", m.create(new long[] {7, 8}, new Shape(1, 2)));
            Path p = tmp.resolve("x.safetensors");
            SafetensorsWriter.write(p, t);
            byte[] all = Files.readAllBytes(p);
            long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, n % 8, "header length is a multiple of 8");
            JsonNode h = new ObjectMapper().readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8).trim());
            assertEquals("pt", h.get("__metadata__").get("format").asText());
            assertEquals("I64", h.get("a").get("dtype").asText());
            assertEquals("[0,16]", h.get("a").get("data_offsets").toString());
            assertEquals("[16,28]", h.get("b").get("data_offsets").toString());
            assertEquals(8 + n + 28, all.length);
            ByteBuffer data = ByteBuffer.wrap(all, (int) (8 + n), 28).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(7L, data.getLong());
            assertEquals(8L, data.getLong());
            assertEquals(1f, data.getFloat());
        }
    }

    @Test
    void roundTripsEveryFixtureTensorAndBf16() throws IOException {
        Path src = Fixtures.dir("qwen3-tiny").resolve("model.safetensors");
        Path dst = tmp.resolve("copy.safetensors");
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile in = SafetensorsFile.open(src)) {
            Map<String, NDArray> all = new LinkedHashMap<>();
            for (String n : in.names()) {
                all.put(n, in.load(n, m, null));
            }
            Random r = new Random(3);
            float[] vals = new float[64];
            for (int i = 0; i < vals.length; i++) {
                vals[i] = (float) r.nextGaussian();
            }
            SafetensorsWriter.write(dst, all);
            Path bfFile = tmp.resolve("bf.safetensors");
            SafetensorsWriter.write(bfFile, Map.of("extra.bf16", m.create(vals)), Map.of(), SafetensorsDType.BF16);
            try (SafetensorsFile back = SafetensorsFile.open(dst)) {
                assertEquals(all.keySet(), new java.util.HashSet<>(back.names()));
                for (String n : in.names()) {
                    assertArrayEquals(in.info(n).shape(), back.info(n).shape(), n);
                    assertArrayEquals(in.load(n, m, null).toFloatArray(), back.load(n, m, null).toFloatArray(), n);
                }
            }
            try (SafetensorsFile back = SafetensorsFile.open(bfFile)) {
                assertEquals(SafetensorsDType.BF16, back.info("extra.bf16").dtype());
                float[] bf = back.load("extra.bf16", m, DataType.FLOAT32).toFloatArray();
                for (int i = 0; i < vals.length; i++) {
                    assertEquals(vals[i], bf[i], Math.abs(vals[i]) / 256, "bf16 rounds to 8 significant bits");
                    assertEquals(HostConversions.bf16ToFloat(HostConversions.floatToBf16(vals[i])), bf[i]);
                }
            }
        }
    }

    @Test
    void shardedFolderLoadsThroughTheIndex() throws IOException {
        Path dir = tmp.resolve("sharded");
        Files.createDirectories(dir);
        Path src = Fixtures.dir("qwen2-tiny").resolve("model.safetensors");
        Map<String, String> weightMap = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(); SafetensorsFile in = SafetensorsFile.open(src)) {
            List<String> names = in.names();
            Map<String, NDArray> a = new LinkedHashMap<>();
            Map<String, NDArray> b = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                (i % 2 == 0 ? a : b).put(names.get(i), in.load(names.get(i), m, null));
                weightMap.put(names.get(i), i % 2 == 0 ? "model-00001-of-00002.safetensors"
                        : "model-00002-of-00002.safetensors");
            }
            SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), a);
            SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), b);
            new ObjectMapper().writeValue(dir.resolve(WeightStore.INDEX_FILE).toFile(),
                    Map.of("metadata", Map.of("total_size", 0), "weight_map", weightMap));
            try (WeightStore ws = WeightStore.open(dir)) {
                assertEquals(new java.util.TreeSet<>(names), ws.names());
                for (String n : names) {
                    assertArrayEquals(in.load(n, m, null).toFloatArray(), ws.load(n, m, null, (long[]) null)
                            .toFloatArray(), n);
                }
                ModelFormatException miss = assertThrows(ModelFormatException.class,
                        () -> ws.load("lm_head.bias", m, null, (long[]) null));
                assertEquals("lm_head.bias", miss.item());
                assertTrue(miss.getMessage().contains(WeightStore.INDEX_FILE));
                ModelFormatException shape = assertThrows(ModelFormatException.class,
                        () -> ws.load("model.norm.weight", m, null, 65));
                assertEquals("model.norm.weight", shape.item());
                assertTrue(shape.getMessage().contains("model-0000"), shape.getMessage());
            }
            // An index that names a missing shard is an error naming the index and the tensor.
            weightMap.put("model.norm.weight", "model-00003-of-00002.safetensors");
            new ObjectMapper().writeValue(dir.resolve(WeightStore.INDEX_FILE).toFile(), Map.of("weight_map", weightMap));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> WeightStore.open(dir));
            assertEquals("weight_map.model.norm.weight", e.item());
        }
    }
}
