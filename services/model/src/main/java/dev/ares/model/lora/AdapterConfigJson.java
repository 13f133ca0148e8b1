package dev.ares.model.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.model.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * PEFT's {@code adapter_config.json} for a LoRA adapter ({@code peft.LoraConfig} serialised by
 * {@code save_pretrained}). Reading accepts what PEFT writes for plain LoRA on the seven Qwen projections and
 * refuses, naming the field, every setting this runtime would otherwise silently ignore (DoRA, per-module
 * rank or alpha patterns, a subset of layers, trained biases, extra saved modules, fan-in/fan-out layout).
 *
 * <p>{@code target_modules} is interpreted as PEFT does: a list entry selects module {@code key} when
 * {@code key == entry} or {@code key} ends with {@code "." + entry}; a string is {@code all-linear} or a
 * regular expression that must match the whole key. Keys are Hugging Face module paths
 * ({@code model.layers.N.self_attn.q_proj}). A selection must cover the same projections in every layer.
 */
public final class AdapterConfigJson {
    /** The file name PEFT uses. */
    public static final String FILE = "adapter_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdapterConfigJson() {
    }

    /**
     * Reads {@code file}.
     *
     * @param numLayers decoder layers of the base model (to resolve {@code target_modules})
     * @throws ModelFormatException naming the file and field when the file is missing, malformed, not a LoRA
     *                              configuration, or uses a setting this runtime does not implement
     */
    public static LoraConfig read(Path file, int numLayers) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file, null, "no adapter configuration: " + file + " does not exist");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "cannot parse JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(file, null, "top level is not a JSON object");
        }
        JsonNode type = root.get("peft_type");
        if (type == null || !type.isTextual() || !type.asText().equals("LORA")) {
            throw new ModelFormatException(file, "peft_type", "expected \"LORA\", found " + type);
        }
        int r = positiveInt(file, root, "r");
        double alpha = number(file, root, "lora_alpha", null);
        double dropout = number(file, root, "lora_dropout", 0.0);
        requireAbsentOr(file, root, "use_dora", JsonNode::isBoolean, false, "DoRA adapters are not supported");
        requireAbsentOr(file, root, "lora_bias", JsonNode::isBoolean, false, "trained LoRA biases are not supported");
        requireAbsentOr(file, root, "fan_in_fan_out", JsonNode::isBoolean, false,
                "fan_in_fan_out (transposed Conv1D weights) does not apply to Qwen linear layers");
        JsonNode bias = root.get("bias");
        if (bias != null && !bias.isNull() && !"none".equals(bias.asText())) {
            throw new ModelFormatException(file, "bias", "only \"none\" is supported (trained biases), found " + bias);
        }
        for (String f : new String[] {"rank_pattern", "alpha_pattern"}) {
            JsonNode n = root.get(f);
            if (n != null && !n.isNull() && !(n.isObject() && n.isEmpty())) {
                throw new ModelFormatException(file, f, "per-module rank/alpha patterns are not supported, found " + n);
            }
        }
        for (String f : new String[] {"layers_to_transform", "modules_to_save", "layer_replication", "exclude_modules"}) {
            JsonNode n = root.get(f);
            if (n != null && !n.isNull() && !(n.isArray() && n.isEmpty())) {
                throw new ModelFormatException(file, f, "not supported (adapters on all layers only, no extra "
                        + "saved modules), found " + n);
            }
        }
        JsonNode rs = root.get("use_rslora");
        if (rs != null && !rs.isNull() && !rs.isBoolean()) {
            throw new ModelFormatException(file, "use_rslora", "not a boolean: " + rs);
        }
        boolean rslora = rs != null && rs.asBoolean(false);
        JsonNode base = root.get("base_model_name_or_path");
        String baseModel = base == null || base.isNull() ? null : base.asText();
        Set<LoraTarget> targets = targets(file, root.get("target_modules"), numLayers);
        try {
            return new LoraConfig(r, alpha, targets, dropout, rslora, baseModel);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, null, e.getMessage(), e);
        }
    }

    /** Writes {@code config} as PEFT would (all fields PEFT's loader reads, with their plain-LoRA values). */
    public static void write(LoraConfig config, Path file) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("alpha_pattern");
        o.put("base_model_name_or_path", config.baseModel());
        o.put("bias", "none");
        o.put("fan_in_fan_out", false);
        o.put("inference_mode", true);
        o.put("init_lora_weights", true);
        o.putNull("layers_pattern");
        o.putNull("layers_to_transform");
        o.put("lora_alpha", config.alpha());
        o.put("lora_dropout", config.dropout());
        o.putNull("modules_to_save");
        o.put("peft_type", "LORA");
        o.put("r", config.r());
        o.putObject("rank_pattern");
        o.putNull("revision");
        ArrayNode t = o.putArray("target_modules");
        config.targetModules().forEach(t::add);
        o.put("task_type", "CAUSAL_LM");
        o.put("use_dora", false);
        o.put("use_rslora", config.useRslora());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), o);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Set<LoraTarget> targets(Path file, JsonNode node, int numLayers) {
        if (node == null || node.isNull()) {
            throw new ModelFormatException(file, "target_modules", "missing");
        }
        Map<LoraTarget, Set<Integer>> selected = new EnumMap<>(LoraTarget.class);
        if (node.isTextual() && node.asText().equals("all-linear")) {
            return EnumSet.allOf(LoraTarget.class);
        } else if (node.isTextual()) {
            Pattern p;
            try {
                p = Pattern.compile(node.asText());
            } catch (PatternSyntaxException e) {
                throw new ModelFormatException(file, "target_modules", "not a valid regular expression: "
                        + e.getMessage(), e);
            }
            select(selected, numLayers, key -> p.matcher(key).matches());
            if (selected.isEmpty()) {
                throw new ModelFormatException(file, "target_modules", "regular expression '" + node.asText()
                        + "' matches none of the supported modules " + LoraTarget.moduleNames());
            }
        } else if (node.isArray()) {
            List<String> unknown = new ArrayList<>();
            for (JsonNode e : node) {
                if (!e.isTextual()) {
                    throw new ModelFormatException(file, "target_modules", "entry is not a string: " + e);
                }
                String entry = e.asText();
                Map<LoraTarget, Set<Integer>> mine = new EnumMap<>(LoraTarget.class);
                select(mine, numLayers, key -> key.equals(entry) || key.endsWith("." + entry));
                if (mine.isEmpty()) {
                    unknown.add(entry);
                }
                mine.forEach((t, layers) -> selected.computeIfAbsent(t, k -> new TreeSet<>()).addAll(layers));
            }
            if (!unknown.isEmpty()) {
                throw new ModelFormatException(file, "target_modules", "unknown target module(s) " + unknown
                        + "; supported: " + LoraTarget.moduleNames());
            }
        } else {
            throw new ModelFormatException(file, "target_modules", "neither a list nor a string: " + node);
        }
        for (Map.Entry<LoraTarget, Set<Integer>> e : selected.entrySet()) {
            if (e.getValue().size() != numLayers) {
                throw new ModelFormatException(file, "target_modules", "selects " + e.getKey().moduleName()
                        + " only in layers " + new TreeSet<>(e.getValue()) + " of " + numLayers
                        + "; adapters must cover every layer");
            }
        }
        return EnumSet.copyOf(selected.keySet());
    }

    private static void select(Map<LoraTarget, Set<Integer>> selected, int numLayers,
                               java.util.function.Predicate<String> matches) {
        for (int layer = 0; layer < numLayers; layer++) {
            for (LoraTarget t : LoraTarget.values()) {
                if (matches.test(t.modulePath(layer))) {
                    selected.computeIfAbsent(t, k -> new TreeSet<>()).add(layer);
                }
            }
        }
    }

    private static int positiveInt(Path file, JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
            throw new ModelFormatException(file, field, "expected a positive integer, found " + n);
        }
        return n.asInt();
    }

    private static double number(Path file, JsonNode root, String field, Double fallback) {
        JsonNode n = root.get(field);
        if ((n == null || n.isNull()) && fallback != null) {
            return fallback;
        }
        if (n == null || !n.isNumber()) {
            throw new ModelFormatException(file, field, "expected a number, found " + n);
        }
        return n.asDouble();
    }

    private static void requireAbsentOr(Path file, JsonNode root, String field,
                                        java.util.function.Predicate<JsonNode> typeOk, boolean allowed, String why) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return;
        }
        if (!typeOk.test(n) || n.asBoolean() != allowed) {
            throw new ModelFormatException(file, field, why + " (found " + n + ")");
        }
    }
}
