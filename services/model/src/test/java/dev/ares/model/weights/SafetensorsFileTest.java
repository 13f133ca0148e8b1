package dev.ares.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.ares.model.Fixtures;
import dev.ares.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheReferenceExpectedFile() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.dir("qwen2-tiny").resolve("expected.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            assertEquals(SafetensorsDType.I64, f.info("input_ids").dtype());
            assertArrayEquals(new long[] {2, 17}, f.info("input_ids").shape());
            assertEquals(SafetensorsDType.F64, f.info("logits_f64").dtype());
            assertArrayEquals(new long[] {2, 17, 384}, f.info("logits_f64").shape());
            long[] ids = f.load("input_ids", m, null).toLongArray();
            long[] mask = f.load("attention_mask", m, null).toLongArray();
            long[] pos = f.load("position_ids", m, null).toLongArray();
            long[] greedy = f.load("greedy_ids", m, null).toLongArray();
            // README: row 1 is left-padded by 5; position ids are cumsum(mask) - 1 clamped at 0.
            for (int r = 0; r < 2; r++) {
                long c = 0;
                for (int t = 0; t < 17; t++) {
                    assertEquals(r == 1 && t < 5 ? 0 : 1, mask[r * 17 + t]);
                    c += mask[r * 17 + t];
                    assertEquals(Math.max(c - 1, 0), pos[r * 17 + t]);
                }
            }
            assertEquals(41, greedy.length);
            for (int t = 0; t < 17; t++) {
                assertEquals(ids[t], greedy[t], "greedy_ids starts with row 0 of input_ids");
            }
            // entropy_f64 is the entropy of softmax(logits_f64): recompute one position independently.
            double[] logits = f.load("logits_f64", m, null).toDoubleArray();
            double[] ent = f.load("entropy_f64", m, null).toDoubleArray();
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < 384; v++) {
                max = Math.max(max, logits[v]);
            }
            double z = 0;
            for (int v = 0; v < 384; v++) {
                z += Math.exp(logits[v] - max);
            }
            double h = 0;
            for (int v = 0; v < 384; v++) {
                double lp = logits[v] - max - Math.log(z);
                h -= Math.exp(lp) * lp;
            }
            assertEquals(ent[0], h, 1e-12);
        }
    }

    @Test
    void convertsBf16AndF16ToFloat32Exactly() throws IOException {
        // 1.5 = 0x3FC0 in bfloat16 and 0x3E00 in IEEE half; -2.0 = 0xC000 in both; 0.09375 = 0x3DC0 / 0x2E00.
        float[] expected = {1.5f, -2.0f, 0.09375f};
        Path bf = writeRaw("bf.safetensors", "BF16", new short[] {0x3FC0, (short) 0xC000, 0x3DC0});
        Path hf = writeRaw("hf.safetensors", "F16", new short[] {0x3E00, (short) 0xC000, 0x2E00});
        try (SafetensorsFile a = SafetensorsFile.open(bf); SafetensorsFile b = SafetensorsFile.open(hf);
             NDManager m = NDManager.newBaseManager()) {
            NDArray x = a.load("w", m, DataType.FLOAT32);
            assertEquals(DataType.FLOAT32, x.getDataType());
            assertArrayEquals(expected, x.toFloatArray());
            assertArrayEquals(expected, b.load("w", m, DataType.FLOAT32).toFloatArray());
            assertEquals(DataType.FLOAT32, a.load("w", m, null).getDataType(), "BF16 arrives widened");
            assertEquals(DataType.FLOAT16, b.load("w", m, null).getDataType());
        }
    }

    @Test
    void bf16RoundingIsNearestEven() {
        assertEquals((short) 0x3F80, HostConversions.floatToBf16(1.0f));
        // 1 + 2^-8 lies exactly between 1 and 1 + 2^-7: ties go to the even mantissa (1.0).
        assertEquals((short) 0x3F80, HostConversions.floatToBf16(1.00390625f));
        // 1 + 3 * 2^-8 lies between 1 + 2^-7 (odd) and 1 + 2^-6 (even): ties go up to 0x3F82.
        assertEquals((short) 0x3F82, HostConversions.floatToBf16(1.01171875f));
        assertEquals(-2.0f, HostConversions.bf16ToFloat((short) 0xC000));
    }

    @Test
    void loadedTensorsOutliveTheMapping() throws IOException {
        NDManager m = NDManager.newBaseManager();
        NDArray x;
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.dir("qwen2-tiny").resolve("model.safetensors"))) {
            x = f.load("model.norm.weight", m, DataType.FLOAT32);
        }
        float[] before = x.toFloatArray();
        System.gc();
        assertArrayEquals(before, x.toFloatArray());
        m.close();
    }

    @Test
    void truncatedFileNamesFileAndTensor() throws IOException {
        Path src = Fixtures.dir("qwen2-tiny").resolve("model.safetensors");
        byte[] all = Files.readAllBytes(src);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 1000));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(cut));
        assertEquals(cut, e.file());
        assertTrue(e.item() != null && e.item().startsWith("model."), e.getMessage());
        assertTrue(e.getMessage().contains("cut.safetensors") && e.getMessage().contains(e.item()));

        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertTrue(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(tiny)).getMessage()
                .contains("tiny.safetensors"));
        Path headerCut = tmp.resolve("headercut.safetensors");
        Files.write(headerCut, java.util.Arrays.copyOf(all, 100));
        assertTrue(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(headerCut)).getMessage()
                .contains("header length"));
    }

    @Test
    void overlappingOffsetsAreRejected() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        Path p = writeHeader("overlap.safetensors", h, 16);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(p));
        assertEquals("b", e.item());
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    }

    @Test
    void offsetsPastTheEndAreRejected() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        Path p = writeHeader("past.safetensors", h, 12);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(p));
        assertEquals("a", e.item());
    }

    @Test
    void byteCountMustMatchShapeAndDtype() throws IOException {
        String h = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3,2],\"data_offsets\":[0,8]}}";
        Path p = writeHeader("count.safetensors", h, 8);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(p));
        assertEquals("w", e.item());
        assertTrue(e.getMessage().contains("12 bytes"), e.getMessage());
        String unknown = "{\"w\":{\"dtype\":\"F8_E9\",\"shape\":[1],\"data_offsets\":[0,1]}}";
        Path q = writeHeader("dtype.safetensors", unknown, 8);
        assertEquals("w", assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(q)).item());
        Path r = writeHeader("json.safetensors", "{\"w\": [", 8);
        assertTrue(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(r)).getMessage()
                .contains("JSON"));
    }

    private Path writeRaw(String name, String dtype, short[] values) throws IOException {
        String h = "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + values.length + "],\"data_offsets\":[0,"
                + 2 * values.length + "]}}";
        Path p = writeHeader(name, h, 0);
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : values) {
            b.putShort(s);
        }
        Files.write(p, b.array(), java.nio.file.StandardOpenOption.APPEND);
        return p;
    }

    private Path writeHeader(String name, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path p = tmp.resolve(name);
        Files.write(p, b.array());
        return p;
    }
}
