package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ares.model.DeviceSpec;
import dev.ares.model.weights.WeightStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen3 ({@code model_type: qwen3}, Hugging Face {@code Qwen3ForCausalLM}): as Qwen2, but the q/k/v
 * projections carry a bias only when {@code attention_bias} is true, the head width is the explicit
 * {@code head_dim} (not necessarily {@code hidden / heads}), and every query and key head is RMS-normalised
 * over its {@code head_dim} channels ({@code q_norm}, {@code k_norm}) before the rotary embedding.
 *
 * <pre>
 * model.layers.N.self_attn.q_norm.weight  [head_dim]
 * model.layers.N.self_attn.k_norm.weight  [head_dim]
 * (all other names and shapes as in {@link Qwen2Model}; q/k/v .bias only with attention_bias)
 * </pre>
 */
public final class Qwen3Model extends QwenModel {
    private Qwen3Model(QwenConfig c, DeviceSpec d, NDManager m, NDArray embed, NDArray head, NDArray norm,
                       List<DecoderLayer> layers, NDArray eps) {
        super(c, d, m, embed, head, norm, layers, eps);
    }

    static Qwen3Model build(QwenConfig c, DeviceSpec d, NDManager m, WeightStore w) {
        long hidden = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        NDArray eps = epsArray(m, c);
        NDArray embed = tensor(w, m, d, "model.embed_tokens.weight", c.vocabSize(), hidden);
        List<DecoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            NDArray qkv = fuse(tensor(w, m, d, p + "self_attn.q_proj.weight", q, hidden),
                    tensor(w, m, d, p + "self_attn.k_proj.weight", kv, hidden),
                    tensor(w, m, d, p + "self_attn.v_proj.weight", kv, hidden));
            NDArray bias = !c.attentionBias() ? null : fuse(tensor(w, m, d, p + "self_attn.q_proj.bias", q),
                    tensor(w, m, d, p + "self_attn.k_proj.bias", kv),
                    tensor(w, m, d, p + "self_attn.v_proj.bias", kv));
            // One gain row per head: q_norm for the query heads, then k_norm for the key heads.
            NDArray qNorm = tensor(w, m, d, p + "self_attn.q_norm.weight", c.headDim());
            NDArray kNorm = tensor(w, m, d, p + "self_attn.k_norm.weight", c.headDim());
            NDArray qkNorm = fuse(qNorm.expandDims(0).repeat(0, c.numHeads()),
                    kNorm.expandDims(0).repeat(0, c.numKvHeads()));
            qNorm.close();
            kNorm.close();
            GqaAttention attn = new GqaAttention(qkv, bias, tensor(w, m, d, p + "self_attn.o_proj.weight", hidden, q),
                    qkNorm, c.numHeads(), c.numKvHeads(), c.headDim(), eps);
            SwiGluMlp mlp = new SwiGluMlp(fuse(tensor(w, m, d, p + "mlp.gate_proj.weight", c.intermediateSize(), hidden),
                    tensor(w, m, d, p + "mlp.up_proj.weight", c.intermediateSize(), hidden)),
                    tensor(w, m, d, p + "mlp.down_proj.weight", hidden, c.intermediateSize()));
            layers.add(new DecoderLayer(tensor(w, m, d, p + "input_layernorm.weight", hidden), attn,
                    tensor(w, m, d, p + "post_attention_layernorm.weight", hidden), mlp, eps));
        }
        NDArray norm = tensor(w, m, d, "model.norm.weight", hidden);
        NDArray head = c.tieWordEmbeddings() ? embed : tensor(w, m, d, "lm_head.weight", c.vocabSize(), hidden);
        return new Qwen3Model(c, d, m, embed, head, norm, layers, eps);
    }
}
