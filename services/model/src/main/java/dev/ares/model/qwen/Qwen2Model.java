package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ares.model.DeviceSpec;
import dev.ares.model.weights.WeightStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen2 and Qwen2.5 ({@code model_type: qwen2}, Hugging Face {@code Qwen2ForCausalLM}): pre-norm decoder
 * layers of grouped-query attention with a bias on the q, k and v projections (none on o_proj), rotary
 * positions, and a SwiGLU MLP; an untied or tied LM head.
 *
 * <pre>
 * model.embed_tokens.weight                      [V, hidden]
 * model.layers.N.input_layernorm.weight          [hidden]
 * model.layers.N.self_attn.{q,k,v}_proj.weight   [heads*D | kv*D, hidden]   (+ .bias)
 * model.layers.N.self_attn.o_proj.weight         [hidden, heads*D]
 * model.layers.N.post_attention_layernorm.weight [hidden]
 * model.layers.N.mlp.{gate,up}_proj.weight       [intermediate, hidden]
 * model.layers.N.mlp.down_proj.weight            [hidden, intermediate]
 * model.norm.weight                              [hidden]
 * lm_head.weight                                 [V, hidden]   (absent when tie_word_embeddings)
 * </pre>
 */
public final class Qwen2Model extends QwenModel {
    private Qwen2Model(QwenConfig c, DeviceSpec d, NDManager m, NDArray embed, NDArray head, NDArray norm,
                       List<DecoderLayer> layers, NDArray eps) {
        super(c, d, m, embed, head, norm, layers, eps);
    }

    static Qwen2Model build(QwenConfig c, DeviceSpec d, NDManager m, WeightStore w) {
        long hidden = c.hiddenSize();
        NDArray eps = epsArray(m, c);
        NDArray embed = tensor(w, m, d, "model.embed_tokens.weight", c.vocabSize(), hidden);
        List<DecoderLayer> layers = decoderLayers(c, d, m, w, "model.", eps);
        NDArray norm = tensor(w, m, d, "model.norm.weight", hidden);
        NDArray head = c.tieWordEmbeddings() ? embed : tensor(w, m, d, "lm_head.weight", c.vocabSize(), hidden);
        return new Qwen2Model(c, d, m, embed, head, norm, layers, eps);
    }

    /**
     * The Qwen2 decoder layers {@code <prefix>layers.N.*} (the names in the class comment after
     * {@code model.}); also the text decoder of Qwen2.5-VL, whose layers carry the same names under
     * {@code model.} or {@code model.language_model.}.
     */
    static List<DecoderLayer> decoderLayers(QwenConfig c, DeviceSpec d, NDManager m, WeightStore w, String prefix,
                                            NDArray eps) {
        long hidden = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        List<DecoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String p = prefix + "layers." + i + ".";
            NDArray qkv = fuse(tensor(w, m, d, p + "self_attn.q_proj.weight", q, hidden),
                    tensor(w, m, d, p + "self_attn.k_proj.weight", kv, hidden),
                    tensor(w, m, d, p + "self_attn.v_proj.weight", kv, hidden));
            NDArray bias = fuse(tensor(w, m, d, p + "self_attn.q_proj.bias", q),
                    tensor(w, m, d, p + "self_attn.k_proj.bias", kv),
                    tensor(w, m, d, p + "self_attn.v_proj.bias", kv));
            GqaAttention attn = new GqaAttention(qkv, bias, tensor(w, m, d, p + "self_attn.o_proj.weight", hidden, q),
                    null, c.numHeads(), c.numKvHeads(), c.headDim(), eps);
            SwiGluMlp mlp = new SwiGluMlp(fuse(tensor(w, m, d, p + "mlp.gate_proj.weight", c.intermediateSize(), hidden),
                    tensor(w, m, d, p + "mlp.up_proj.weight", c.intermediateSize(), hidden)),
                    tensor(w, m, d, p + "mlp.down_proj.weight", hidden, c.intermediateSize()));
            layers.add(new DecoderLayer(tensor(w, m, d, p + "input_layernorm.weight", hidden), attn,
                    tensor(w, m, d, p + "post_attention_layernorm.weight", hidden), mlp, eps));
        }
        return layers;
    }
}
