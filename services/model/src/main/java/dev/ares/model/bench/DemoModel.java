package dev.ares.model.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the demo-size Qwen2 model of {@code shared/bench/torch_qwen2_baseline.py} as a Hugging Face folder
 * (random weights, seed 0): vocab 384, hidden 256, 4 layers, 8 query heads, 4 KV heads, head_dim 32,
 * intermediate 704, RoPE theta 1e4, q/k/v bias, untied head, float32.
 */
public final class DemoModel {
    /** Vocabulary of the demo model. */
    public static final int VOCAB = 384;

    private DemoModel() {
    }

    /** Writes {@code config.json} and {@code model.safetensors} into {@code dir} and returns it. */
    public static Path write(Path dir) {
        int h = 256;
        int inter = 704;
        int d = 32;
        int layers = 4;
        try {
            Files.createDirectories(dir);
            ObjectMapper om = new ObjectMapper();
            ObjectNode c = om.createObjectNode();
            c.putArray("architectures").add("Qwen2ForCausalLM");
            c.put("model_type", "qwen2");
            c.put("vocab_size", VOCAB);
            c.put("hidden_size", h);
            c.put("intermediate_size", inter);
            c.put("num_hidden_layers", layers);
            c.put("num_attention_heads", 8);
            c.put("num_key_value_heads", 4);
            c.put("rms_norm_eps", 1e-6);
            c.put("rope_theta", 10000.0);
            c.put("max_position_embeddings", 4096);
            c.put("tie_word_embeddings", false);
            c.put("hidden_act", "silu");
            c.put("eos_token_id", 2);
            om.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
            Engine.getInstance().setRandomSeed(0);
            try (NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> w = new LinkedHashMap<>();
                w.put("model.embed_tokens.weight", rnd(m, VOCAB, h));
                w.put("lm_head.weight", rnd(m, VOCAB, h));
                w.put("model.norm.weight", m.ones(new Shape(h)));
                for (int i = 0; i < layers; i++) {
                    String p = "model.layers." + i + ".";
                    w.put(p + "self_attn.q_proj.weight", rnd(m, 8 * d, h));
                    w.put(p + "self_attn.k_proj.weight", rnd(m, 4 * d, h));
                    w.put(p + "self_attn.v_proj.weight", rnd(m, 4 * d, h));
                    w.put(p + "self_attn.q_proj.bias", m.zeros(new Shape(8 * d)));
                    w.put(p + "self_attn.k_proj.bias", m.zeros(new Shape(4 * d)));
                    w.put(p + "self_attn.v_proj.bias", m.zeros(new Shape(4 * d)));
                    w.put(p + "self_attn.o_proj.weight", rnd(m, h, 8 * d));
                    w.put(p + "mlp.gate_proj.weight", rnd(m, inter, h));
                    w.put(p + "mlp.up_proj.weight", rnd(m, inter, h));
                    w.put(p + "mlp.down_proj.weight", rnd(m, h, inter));
                    w.put(p + "input_layernorm.weight", m.ones(new Shape(h)));
                    w.put(p + "post_attention_layernorm.weight", m.ones(new Shape(h)));
                }
                SafetensorsWriter.write(dir.resolve("model.safetensors"), w);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NDArray rnd(NDManager m, long rows, long cols) {
        return m.randomNormal(0f, 0.05f, new Shape(rows, cols), DataType.FLOAT32);
    }
}
