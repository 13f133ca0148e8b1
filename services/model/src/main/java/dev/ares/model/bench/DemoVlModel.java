package dev.ares.model.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the demo-size Qwen2.5-VL model as a Hugging Face folder (random weights, seed 0) that trains from
 * scratch on one CPU thread in minutes (docs/vision.md, "Training a tiny vision-language model"):
 * <ul>
 *   <li>text: vocab 384 (the demo tokenizer, whose ids 3/4/5 are {@code <|vision_start|>}, {@code <|vision_end|>},
 *       {@code <|image_pad|>}), hidden 128, 2 layers, 4 query heads, 2 KV heads, head_dim 32, intermediate 352,
 *       RoPE theta 1e4, {@code mrope_section = [4, 6, 6]} (sums to head_dim / 2), untied head;</li>
 *   <li>vision: hidden 64, depth 2, 2 heads, intermediate 128, patch 14, temporal patch 2, merge 2,
 *       {@code window_size} 56 (2 x 2 merged tokens per window), block 1 full attention, output 128;</li>
 *   <li>{@code preprocessor_config.json} as the Qwen2.5-VL processor (CLIP mean/std, bicubic, min 3136 pixels);
 *       the curriculum's images (multiples of 28 pixels) pass unresized;</li>
 *   <li>the demo tokenizer ({@code tokenizer.json}, {@code tokenizer_config.json} with the ChatML template that writes
 *       image parts) copied from core's {@code /ares/demo-tokenizer/} resources.</li>
 * </ul>
 * Initialisation: matrices N(0, 0.05) as {@link DemoModel}, norm gains 1, biases 0.
 */
public final class DemoVlModel {
    /** Text hidden size (also the vision tower's output size). */
    public static final int HIDDEN = 128;

    private DemoVlModel() {
    }

    /** Writes the folder into {@code dir} (created when missing) and returns it. */
    public static Path write(Path dir) {
        int h = HIDDEN;
        int inter = 352;
        int d = 32;
        int heads = 4;
        int kv = 2;
        int layers = 2;
        int vh = 64;
        int vi = 128;
        int depth = 2;
        int patchDim = 3 * 2 * 14 * 14;
        try {
            Files.createDirectories(dir);
            ObjectMapper om = new ObjectMapper();
            ObjectNode c = om.createObjectNode();
            c.putArray("architectures").add("Qwen2_5_VLForConditionalGeneration");
            c.put("model_type", "qwen2_5_vl");
            c.put("dtype", "float32");
            c.put("image_token_id", 5);
            c.put("video_token_id", 6);
            c.put("vision_start_token_id", 3);
            c.put("vision_end_token_id", 4);
            c.put("tie_word_embeddings", false);
            ObjectNode t = c.putObject("text_config");
            t.put("model_type", "qwen2_5_vl_text");
            t.put("vocab_size", DemoModel.VOCAB);
            t.put("hidden_size", h);
            t.put("intermediate_size", inter);
            t.put("num_hidden_layers", layers);
            t.put("num_attention_heads", heads);
            t.put("num_key_value_heads", kv);
            t.put("hidden_act", "silu");
            t.put("rms_norm_eps", 1e-6);
            t.put("max_position_embeddings", 4096);
            t.put("tie_word_embeddings", false);
            t.put("eos_token_id", 2);
            t.put("bos_token_id", 0);
            t.put("image_token_id", 5);
            t.put("video_token_id", 6);
            t.put("vision_start_token_id", 3);
            t.put("vision_end_token_id", 4);
            ObjectNode rope = t.putObject("rope_parameters");
            ArrayNode sections = rope.putArray("mrope_section");
            sections.add(4).add(6).add(6);
            rope.put("rope_theta", 10000.0);
            rope.put("rope_type", "default");
            rope.put("type", "mrope");
            ObjectNode v = c.putObject("vision_config");
            v.put("model_type", "qwen2_5_vl_vision");
            v.put("depth", depth);
            v.putArray("fullatt_block_indexes").add(1);
            v.put("hidden_act", "silu");
            v.put("hidden_size", vh);
            v.put("in_channels", 3);
            v.put("intermediate_size", vi);
            v.put("num_heads", 2);
            v.put("out_hidden_size", h);
            v.put("patch_size", 14);
            v.put("spatial_merge_size", 2);
            v.put("temporal_patch_size", 2);
            v.put("tokens_per_second", 4);
            v.put("window_size", 56);
            om.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
            writePreprocessor(om, dir.resolve("preprocessor_config.json"));
            Engine.getInstance().setRandomSeed(0);
            try (NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> w = new LinkedHashMap<>();
                w.put("model.embed_tokens.weight", rnd(m, DemoModel.VOCAB, h));
                w.put("lm_head.weight", rnd(m, DemoModel.VOCAB, h));
                w.put("model.norm.weight", m.ones(new Shape(h)));
                for (int i = 0; i < layers; i++) {
                    String p = "model.layers." + i + ".";
                    w.put(p + "self_attn.q_proj.weight", rnd(m, heads * d, h));
                    w.put(p + "self_attn.k_proj.weight", rnd(m, kv * d, h));
                    w.put(p + "self_attn.v_proj.weight", rnd(m, kv * d, h));
                    w.put(p + "self_attn.q_proj.bias", m.zeros(new Shape(heads * d)));
                    w.put(p + "self_attn.k_proj.bias", m.zeros(new Shape(kv * d)));
                    w.put(p + "self_attn.v_proj.bias", m.zeros(new Shape(kv * d)));
                    w.put(p + "self_attn.o_proj.weight", rnd(m, h, heads * d));
                    w.put(p + "mlp.gate_proj.weight", rnd(m, inter, h));
                    w.put(p + "mlp.up_proj.weight", rnd(m, inter, h));
                    w.put(p + "mlp.down_proj.weight", rnd(m, h, inter));
                    w.put(p + "input_layernorm.weight", m.ones(new Shape(h)));
                    w.put(p + "post_attention_layernorm.weight", m.ones(new Shape(h)));
                }
                w.put("visual.patch_embed.proj.weight", rnd(m, vh, patchDim).reshape(vh, 3, 2, 14, 14));
                for (int b = 0; b < depth; b++) {
                    String p = "visual.blocks." + b + ".";
                    w.put(p + "norm1.weight", m.ones(new Shape(vh)));
                    w.put(p + "norm2.weight", m.ones(new Shape(vh)));
                    w.put(p + "attn.qkv.weight", rnd(m, 3L * vh, vh));
                    w.put(p + "attn.qkv.bias", m.zeros(new Shape(3L * vh)));
                    w.put(p + "attn.proj.weight", rnd(m, vh, vh));
                    w.put(p + "attn.proj.bias", m.zeros(new Shape(vh)));
                    w.put(p + "mlp.gate_proj.weight", rnd(m, vi, vh));
                    w.put(p + "mlp.gate_proj.bias", m.zeros(new Shape(vi)));
                    w.put(p + "mlp.up_proj.weight", rnd(m, vi, vh));
                    w.put(p + "mlp.up_proj.bias", m.zeros(new Shape(vi)));
                    w.put(p + "mlp.down_proj.weight", rnd(m, vh, vi));
                    w.put(p + "mlp.down_proj.bias", m.zeros(new Shape(vh)));
                }
                long merged = 4L * vh;
                w.put("visual.merger.ln_q.weight", m.ones(new Shape(vh)));
                w.put("visual.merger.mlp.0.weight", rnd(m, merged, merged));
                w.put("visual.merger.mlp.0.bias", m.zeros(new Shape(merged)));
                w.put("visual.merger.mlp.2.weight", rnd(m, h, merged));
                w.put("visual.merger.mlp.2.bias", m.zeros(new Shape(h)));
                SafetensorsWriter.write(dir.resolve("model.safetensors"), w);
            }
            for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
                try (InputStream in = DemoVlModel.class.getResourceAsStream("/ares/demo-tokenizer/" + f)) {
                    if (in == null) {
                        throw new IOException("resource /ares/demo-tokenizer/" + f + " is missing from the classpath");
                    }
                    Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writePreprocessor(ObjectMapper om, Path file) throws IOException {
        ObjectNode p = om.createObjectNode();
        p.put("image_processor_type", "Qwen2VLImageProcessor");
        p.put("do_convert_rgb", true);
        p.put("do_normalize", true);
        p.put("do_rescale", true);
        p.put("do_resize", true);
        p.putArray("image_mean").add(0.48145466).add(0.4578275).add(0.40821073);
        p.putArray("image_std").add(0.26862954).add(0.26130258).add(0.27577711);
        p.put("merge_size", 2);
        p.put("patch_size", 14);
        p.put("temporal_patch_size", 2);
        p.put("resample", 3);
        p.put("rescale_factor", 1.0 / 255.0);
        ObjectNode size = p.putObject("size");
        size.put("shortest_edge", 3136);
        size.put("longest_edge", 1003520);
        om.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), p);
    }

    private static NDArray rnd(NDManager m, long rows, long cols) {
        return m.randomNormal(0f, 0.05f, new Shape(rows, cols), DataType.FLOAT32);
    }
}
