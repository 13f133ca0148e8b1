package dev.ares.model.qwen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The text-decoder hyper-parameters of a Qwen2 / Qwen2.5 / Qwen3 {@code config.json}, read from either
 * layout that Hugging Face writes:
 * <ul>
 *   <li>transformers 4 (the published checkpoints): flat fields, {@code rope_theta} and
 *       {@code rope_scaling} at the top level;</li>
 *   <li>transformers 5: {@code rope_parameters: {rope_theta, rope_type}}, and for composite models the
 *       text fields nested under {@code text_config}.</li>
 * </ul>
 * Every missing or invalid field is a {@link ModelFormatException} naming the file and the field; a
 * field with a documented Hugging Face default ({@code head_dim}, {@code attention_bias},
 * {@code tie_word_embeddings}, {@code num_key_value_heads}) takes that default.
 *
 * @param file                  the configuration file read
 * @param modelType             {@code qwen2}, {@code qwen3} or {@code qwen2_5_vl} (the text part of Qwen2.5-VL)
 * @param vocabSize             rows of the embedding and of the LM head
 * @param hiddenSize            model width
 * @param intermediateSize      SwiGLU inner width
 * @param numLayers             decoder layers
 * @param numHeads              query heads
 * @param numKvHeads            key/value heads (grouped-query attention; divides {@code numHeads})
 * @param headDim               per-head width ({@code head_dim}, default {@code hiddenSize / numHeads})
 * @param ropeTheta             RoPE base
 * @param rmsNormEps            RMSNorm epsilon
 * @param tieWordEmbeddings     LM head shares the embedding matrix
 * @param attentionBias         q/k/v projections carry a bias (always for Qwen2; {@code attention_bias} for Qwen3)
 * @param qkNorm                per-head RMSNorm on q and k (Qwen3)
 * @param maxPositionEmbeddings longest context the checkpoint was trained for
 * @param eosTokenIds           end-of-sequence ids from the config (may be empty, may lie outside the vocabulary)
 */
public record QwenConfig(Path file, String modelType, int vocabSize, int hiddenSize, int intermediateSize,
                         int numLayers, int numHeads, int numKvHeads, int headDim, double ropeTheta,
                         double rmsNormEps, boolean tieWordEmbeddings, boolean attentionBias, boolean qkNorm,
                         int maxPositionEmbeddings, List<Integer> eosTokenIds) {
    /** The architectures this runtime implements. */
    public static final Set<String> SUPPORTED = Set.of("qwen2", "qwen3", "qwen2_5_vl");
    /** The vision-language model type; its text fields are those of Qwen2 plus multimodal RoPE (see Qwen25VlConfig). */
    public static final String QWEN2_5_VL = "qwen2_5_vl";

    /** Reads {@code dir/config.json}. */
    public static QwenConfig load(Path dir) {
        return read(dir.resolve("config.json"));
    }

    /** Reads and validates one configuration file. */
    public static QwenConfig read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "cannot read configuration: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file, null, "configuration is not a JSON object");
        }
        JsonNode text = root;
        String prefix = "";
        String rootType = root.path("model_type").asText(null);
        boolean vl = QWEN2_5_VL.equals(rootType);
        if (root.has("text_config") && root.get("text_config").isObject()
                && (rootType == null || vl || !SUPPORTED.contains(rootType))) {
            text = root.get("text_config");
            prefix = "text_config.";
        }
        Reader r = new Reader(file, text, prefix);
        // the VL model's nested text_config says qwen2_5_vl_text; the model is the composite one
        String type = vl ? QWEN2_5_VL : text.path("model_type").asText(rootType);
        if (type == null) {
            throw new ModelFormatException(file, prefix + "model_type", "missing");
        }
        if (!SUPPORTED.contains(type)) {
            throw new ModelFormatException(file, prefix + "model_type", "unknown model_type '" + type
                    + "': this runtime implements " + new java.util.TreeSet<>(SUPPORTED));
        }
        String act = text.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new ModelFormatException(file, prefix + "hidden_act", "'" + act + "' is not supported (silu only)");
        }
        if (text.path("use_sliding_window").asBoolean(false)) {
            throw new ModelFormatException(file, prefix + "use_sliding_window",
                    "sliding-window attention is not implemented");
        }
        int hidden = r.positiveInt("hidden_size");
        int heads = r.positiveInt("num_attention_heads");
        int kv = text.has("num_key_value_heads") && !text.get("num_key_value_heads").isNull()
                ? r.positiveInt("num_key_value_heads") : heads;
        if (heads % kv != 0) {
            throw new ModelFormatException(file, prefix + "num_key_value_heads", kv
                    + " does not divide num_attention_heads " + heads);
        }
        int headDim;
        if (text.has("head_dim") && !text.get("head_dim").isNull()) {
            headDim = r.positiveInt("head_dim");
        } else {
            if (hidden % heads != 0) {
                throw new ModelFormatException(file, prefix + "hidden_size", hidden
                        + " is not a multiple of num_attention_heads " + heads + " and head_dim is not given");
            }
            headDim = hidden / heads;
        }
        if (headDim % 2 != 0) {
            throw new ModelFormatException(file, prefix + "head_dim", "must be even for rotary embeddings, got " + headDim);
        }
        double theta = ropeTheta(file, root, text, prefix, vl);
        boolean bias = type.equals("qwen2") || vl || text.path("attention_bias").asBoolean(false);
        boolean tie = text.has("tie_word_embeddings") ? text.get("tie_word_embeddings").asBoolean()
                : root.path("tie_word_embeddings").asBoolean(false);
        return new QwenConfig(file, type, r.positiveInt("vocab_size"), hidden, r.positiveInt("intermediate_size"),
                r.positiveInt("num_hidden_layers"), heads, kv, headDim, theta, r.positiveDouble("rms_norm_eps"),
                tie, bias, type.equals("qwen3"), text.has("max_position_embeddings")
                ? r.positiveInt("max_position_embeddings") : Integer.MAX_VALUE,
                eosIds(file, text.has("eos_token_id") ? text.get("eos_token_id") : root.get("eos_token_id"),
                        prefix + "eos_token_id"));
    }

    private static double ropeTheta(Path file, JsonNode root, JsonNode text, String prefix, boolean multimodal) {
        JsonNode params = text.get("rope_parameters");
        String where;
        JsonNode theta;
        JsonNode scaling;
        if (params != null && params.isObject()) {
            where = prefix + "rope_parameters";
            theta = params.get("rope_theta");
            scaling = params;
        } else {
            where = prefix + "rope_theta";
            theta = text.has("rope_theta") ? text.get("rope_theta") : root.get("rope_theta");
            scaling = text.get("rope_scaling");
        }
        if (scaling != null && scaling.isObject()) {
            String type = scaling.has("rope_type") ? scaling.get("rope_type").asText()
                    : scaling.path("type").asText("default");
            if (!type.equals("default") && !(multimodal && type.equals("mrope"))) {
                throw new ModelFormatException(file, where.replace("rope_theta", "rope_scaling"), "rope type '" + type
                        + "' is not implemented (default RoPE only)");
            }
            if (scaling.has("mrope_section") && !multimodal) {
                throw new ModelFormatException(file, where, "multimodal RoPE (mrope_section) belongs to the VL model,"
                        + " not to a text decoder");
            }
        }
        if (theta == null || theta.isNull()) {
            // transformers' documented defaults: 1e4 for Qwen2/Qwen3, 1e6 for the Qwen2.5-VL text model
            return multimodal ? 1000000.0 : 10000.0;
        }
        if (!theta.isNumber() || !(theta.asDouble() > 0)) {
            throw new ModelFormatException(file, where.endsWith("rope_theta") ? where : where + ".rope_theta",
                    "must be a positive number, got " + theta);
        }
        return theta.asDouble();
    }

    private static List<Integer> eosIds(Path file, JsonNode node, String field) {
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isInt()) {
            ids.add(node.asInt());
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                if (!n.isInt()) {
                    throw new ModelFormatException(file, field, "must hold integers, got " + n);
                }
                ids.add(n.asInt());
            }
        } else {
            throw new ModelFormatException(file, field, "must be an integer or a list of integers, got " + node);
        }
        return List.copyOf(ids);
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    private record Reader(Path file, JsonNode node, String prefix) {
        int positiveInt(String field) {
            JsonNode n = node.get(field);
            if (n == null || n.isNull()) {
                throw new ModelFormatException(file, prefix + field, "missing");
            }
            if (!n.isIntegralNumber() || n.asLong() <= 0 || n.asLong() > Integer.MAX_VALUE) {
                throw new ModelFormatException(file, prefix + field, "must be a positive integer, got " + n);
            }
            return n.asInt();
        }

        double positiveDouble(String field) {
            JsonNode n = node.get(field);
            if (n == null || n.isNull()) {
                throw new ModelFormatException(file, prefix + field, "missing");
            }
            if (!n.isNumber() || !(n.asDouble() > 0)) {
                throw new ModelFormatException(file, prefix + field, "must be a positive number, got " + n);
            }
            return n.asDouble();
        }
    }
}
