package dev.ares.model.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.ModelFormatException;
import dev.ares.model.weights.SafetensorsFile;
import dev.ares.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad model folders give a {@link ModelFormatException} that names the file and the tensor or field. */
class QwenLoadErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void unknownModelTypeNamesTheField() throws IOException {
        Path dir = withConfig("llama", c -> c.put("model_type", "llama"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> QwenModel.load(dir, DeviceSpec.cpu()));
        assertEquals("model_type", e.item());
        assertEquals(dir.resolve("config.json"), e.file());
        assertTrue(e.getMessage().contains("llama") && e.getMessage().contains("qwen2"), e.getMessage());
    }

    @Test
    void missingAndInvalidFieldsAreNamed() throws IOException {
        Path a = withConfig("nohidden", c -> c.remove("hidden_size"));
        assertEquals("hidden_size", assertThrows(ModelFormatException.class, () -> QwenConfig.load(a)).item());
        Path b = withConfig("badgqa", c -> c.put("num_key_value_heads", 3));
        assertEquals("num_key_value_heads", assertThrows(ModelFormatException.class, () -> QwenConfig.load(b)).item());
        Path c2 = withConfig("yarn", c -> c.putObject("rope_parameters").put("rope_type", "yarn").put("rope_theta", 1e4));
        assertTrue(assertThrows(ModelFormatException.class, () -> QwenConfig.load(c2)).getMessage().contains("yarn"));
    }

    @Test
    void nestedTextConfigLayoutIsRead() throws IOException {
        Path dir = tmp.resolve("nested");
        Fixtures.copy("qwen2-tiny", dir);
        ObjectNode flat = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        ObjectNode root = JSON.createObjectNode();
        root.put("model_type", "some_wrapper");
        root.set("text_config", flat);
        JSON.writeValue(dir.resolve("config.json").toFile(), root);
        QwenConfig c = QwenConfig.load(dir);
        assertEquals("qwen2", c.modelType());
        assertEquals(64, c.hiddenSize());
        assertEquals(16, c.headDim());
        assertEquals(10000.0, c.ropeTheta());
    }

    @Test
    void configShapeMismatchNamesTheTensor() throws IOException {
        Path dir = withConfig("wide", c -> c.put("intermediate_size", 96));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> QwenModel.load(dir, DeviceSpec.cpu()));
        assertEquals("model.layers.0.mlp.gate_proj.weight", e.item());
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("[128, 64]"), e.getMessage());
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path dir = tmp.resolve("missing");
        Fixtures.copy("qwen3-tiny", dir);
        Path weights = dir.resolve("model.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> kept = new LinkedHashMap<>();
            try (SafetensorsFile f = SafetensorsFile.open(weights)) {
                for (String n : f.names()) {
                    if (!n.equals("model.layers.1.self_attn.k_norm.weight")) {
                        kept.put(n, f.load(n, m, null));
                    }
                }
            }
            SafetensorsWriter.write(weights, kept);
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> QwenModel.load(dir, DeviceSpec.cpu()));
        assertEquals("model.layers.1.self_attn.k_norm.weight", e.item());
        assertEquals(weights, e.file());
    }

    @Test
    void tiedEmbeddingsNeedNoLmHead() throws IOException {
        Path tied = withConfig("tied", c -> c.put("tie_word_embeddings", true));
        Path untied = withConfig("untied", c -> c.put("tie_word_embeddings", false));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> noHead = new LinkedHashMap<>();
            Map<String, NDArray> embedAsHead = new LinkedHashMap<>();
            try (SafetensorsFile f = SafetensorsFile.open(tied.resolve("model.safetensors"))) {
                for (String n : f.names()) {
                    if (!n.equals("lm_head.weight")) {
                        noHead.put(n, f.load(n, m, null));
                        embedAsHead.put(n, f.load(n, m, null));
                    }
                }
                embedAsHead.put("lm_head.weight", f.load("model.embed_tokens.weight", m, null));
            }
            SafetensorsWriter.write(tied.resolve("model.safetensors"), noHead);
            SafetensorsWriter.write(untied.resolve("model.safetensors"), embedAsHead);
            NDArray ids = m.create(new long[] {11, 12, 13}).reshape(1, 3);
            NDArray pos = m.create(new long[] {0, 1, 2}).reshape(1, 3);
            try (QwenModel a = QwenModel.load(tied, DeviceSpec.cpu());
                 QwenModel b = QwenModel.load(untied, DeviceSpec.cpu())) {
                assertTrue(a.config().tieWordEmbeddings());
                float[] la = a.forward(ids, pos, m.ones(ids.getShape()), null, false).toFloatArray();
                float[] lb = b.forward(ids, pos, m.ones(ids.getShape()), null, false).toFloatArray();
                assertEquals(3 * 384, la.length);
                org.junit.jupiter.api.Assertions.assertArrayEquals(lb, la, 1e-6f,
                        "a tied head computes the same logits as an untied head holding the embedding");
                assertTrue(!a.parameters().containsKey("lm_head.weight") && b.parameters().containsKey("lm_head.weight"));
            }
            // Untied without lm_head.weight is a missing tensor, named.
            Path broken = withConfig("broken", c -> c.put("tie_word_embeddings", false));
            SafetensorsWriter.write(broken.resolve("model.safetensors"), noHead);
            assertEquals("lm_head.weight", assertThrows(ModelFormatException.class,
                    () -> QwenModel.load(broken, DeviceSpec.cpu())).item());
        }
    }

    private Path withConfig(String name, Consumer<ObjectNode> edit) throws IOException {
        Path dir = tmp.resolve(name);
        Fixtures.copy("qwen2-tiny", dir);
        ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(c);
        JSON.writeValue(dir.resolve("config.json").toFile(), c);
        return dir;
    }
}
