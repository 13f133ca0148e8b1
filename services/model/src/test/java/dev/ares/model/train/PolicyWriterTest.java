package dev.ares.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.ModelFormatException;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.HostConversions;
import dev.ares.model.weights.SafetensorsDType;
import dev.ares.model.weights.SafetensorsFile;
import dev.ares.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Round trips of {@link PolicyWriter} through the hf-reference fixtures and {@link QwenModel#load}. */
class PolicyWriterTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-tiny", "qwen3-tiny"})
    void f32RoundTripKeepsNamesBytesAndLogits(String fixture) throws IOException {
        Path src = Fixtures.dir(fixture);
        Path out = tmp.resolve("out");
        try (QwenModel model = QwenModel.load(src, DeviceSpec.cpu())) {
            PolicyWriter.write(model, src, out, SafetensorsDType.F32, Map.of("step", "12"));
            try (QwenModel back = QwenModel.load(out, DeviceSpec.cpu())) {
                assertArrayEquals(logits(model, src), logits(back, src), 0f, "logits identical after reload");
            }
        }
        try (SafetensorsFile a = SafetensorsFile.open(src.resolve("model.safetensors"));
             SafetensorsFile b = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(a.names(), b.names());
            for (String n : a.names()) {
                assertEquals(a.bytes(n), b.bytes(n), n);
                assertArrayEquals(a.info(n).shape(), b.info(n).shape(), n);
            }
            assertEquals("12", b.metadata().get("step"));
            assertEquals("pt", b.metadata().get("format"));
            if (fixture.equals("qwen3-tiny")) {
                assertTrue(b.names().contains("model.layers.1.self_attn.k_norm.weight"));
            }
        }
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            assertArrayEquals(Files.readAllBytes(src.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
        }
        assertFalse(Files.exists(out.resolve("chat_template.jinja")), "absent source files are not invented");
        assertEquals("float32", new ObjectMapper().readTree(out.resolve("config.json").toFile()).get("dtype").asText());
    }

    @Test
    void splitPutsChangedFusedRowsUnderTheirOwnNames() throws IOException {
        Path src = Fixtures.dir("qwen2-tiny");
        Path out = tmp.resolve("out");
        try (QwenModel model = QwenModel.load(src, DeviceSpec.cpu())) {
            int q = model.config().numHeads() * model.config().headDim();
            int kv = model.config().numKvHeads() * model.config().headDim();
            int inter = model.config().intermediateSize();
            Map<String, NDArray> p = model.parameters();
            p.get("model.layers.1.self_attn.qkv_proj.weight").set(new NDIndex("{}, 5", q + kv + 3), 7.25f);
            p.get("model.layers.1.self_attn.qkv_proj.bias").set(new NDIndex("{}", q + 2), -3.5f);
            p.get("model.layers.0.mlp.gate_up_proj.weight").set(new NDIndex("{}, 1", inter + 2), 4.75f);
            PolicyWriter.write(model, src, out, SafetensorsDType.F32);
        }
        try (SafetensorsFile b = SafetensorsFile.open(out.resolve("model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            assertEquals(7.25f, b.load("model.layers.1.self_attn.v_proj.weight", m, null).getFloat(3, 5));
            assertEquals(-3.5f, b.load("model.layers.1.self_attn.k_proj.bias", m, null).getFloat(2));
            assertEquals(4.75f, b.load("model.layers.0.mlp.up_proj.weight", m, null).getFloat(2, 1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16"})
    void halfTypesStoreTheRoundedWeights(String type) throws IOException {
        SafetensorsDType dt = SafetensorsDType.valueOf(type);
        Path src = Fixtures.dir("qwen3-tiny");
        Path out = tmp.resolve("out");
        try (QwenModel model = QwenModel.load(src, DeviceSpec.cpu())) {
            PolicyWriter.write(model, src, out, dt);
        }
        assertEquals(dt == SafetensorsDType.F16 ? "float16" : "bfloat16",
                new ObjectMapper().readTree(out.resolve("config.json").toFile()).get("dtype").asText());
        try (SafetensorsFile a = SafetensorsFile.open(src.resolve("model.safetensors"));
             SafetensorsFile b = SafetensorsFile.open(out.resolve("model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            assertEquals(a.names(), b.names());
            for (String n : a.names()) {
                assertEquals(dt, b.info(n).dtype(), n);
                NDArray source = a.load(n, m, DataType.FLOAT32);
                float[] orig = source.toFloatArray();
                // F16 reference: libtorch's own float -> half rounding (Java 17 has no float16 conversion).
                float[] half = source.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).toFloatArray();
                float[] back = b.load(n, m, DataType.FLOAT32).toFloatArray();
                for (int i = 0; i < orig.length; i++) {
                    float expected = dt == SafetensorsDType.BF16
                            ? HostConversions.bf16ToFloat(HostConversions.floatToBf16(orig[i])) : half[i];
                    assertEquals(expected, back[i], 0f, n + "[" + i + "]");
                }
            }
        }
        try (QwenModel back = QwenModel.load(out, DeviceSpec.cpu())) {
            assertEquals(384, back.config().vocabSize());
        }
    }

    @Test
    void tiedEmbeddingsAreWrittenOnce() throws IOException {
        Path src = tmp.resolve("tied");
        Files.createDirectories(src);
        ObjectMapper om = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) om.readTree(Fixtures.dir("qwen2-tiny").resolve("config.json").toFile());
        cfg.put("tie_word_embeddings", true);
        om.writeValue(src.resolve("config.json").toFile(), cfg);
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.dir("qwen2-tiny").resolve("model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> w = new LinkedHashMap<>();
            for (String n : f.names()) {
                if (!n.equals("lm_head.weight")) {
                    w.put(n, f.load(n, m, null));
                }
            }
            SafetensorsWriter.write(src.resolve("model.safetensors"), w);
        }
        Path out = tmp.resolve("out");
        try (QwenModel model = QwenModel.load(src, DeviceSpec.cpu())) {
            PolicyWriter.write(model, src, out, SafetensorsDType.F32);
            try (SafetensorsFile b = SafetensorsFile.open(out.resolve("model.safetensors"));
                 QwenModel back = QwenModel.load(out, DeviceSpec.cpu())) {
                assertFalse(b.contains("lm_head.weight"));
                assertTrue(b.contains("model.embed_tokens.weight"));
                assertArrayEquals(logits(model, Fixtures.dir("qwen2-tiny")), logits(back, Fixtures.dir("qwen2-tiny")), 0f);
            }
        }
    }

    @Test
    void badArgumentsAreRejected() throws IOException {
        Path src = Fixtures.dir("qwen2-tiny");
        try (QwenModel model = QwenModel.load(src, DeviceSpec.cpu())) {
            assertThrows(IllegalArgumentException.class,
                    () -> PolicyWriter.write(model, src, tmp.resolve("a"), SafetensorsDType.I32));
            assertThrows(IllegalArgumentException.class,
                    () -> PolicyWriter.write(model, src, src, SafetensorsDType.F32));
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> PolicyWriter.write(model, Fixtures.dir("qwen3-tiny"), tmp.resolve("b"), SafetensorsDType.F32));
            assertTrue(e.getMessage().contains("model_type"), e.getMessage());
        }
    }

    /** Logits of both fixture rows (one left-padded), flattened. */
    private static float[] logits(QwenModel model, Path fixture) throws IOException {
        try (SafetensorsFile exp = SafetensorsFile.open(fixture.resolve("expected.safetensors"));
             NDManager m = model.manager().newSubManager()) {
            NDArray out = model.forward(exp.load("input_ids", m, null), exp.load("position_ids", m, null),
                    exp.load("attention_mask", m, null), null, false);
            float[] v = out.toFloatArray();
            out.close();
            assertNotEquals(0f, v[0]);
            return v;
        }
    }
}
