package dev.ares.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.model.ModelFormatException;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenConfig;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.vision.Qwen25VisionConfig;
import dev.ares.model.weights.SafetensorsDType;
import dev.ares.model.weights.SafetensorsWriter;
import dev.ares.model.weights.WeightStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes a {@link QwenModel}'s current weights as a Hugging Face model folder that {@link QwenModel#load}
 * and {@code transformers}' {@code AutoModelForCausalLM.from_pretrained} read back (architecture.md §4 step 5:
 * the full-weight checkpoint a learner publishes).
 *
 * <p>What flows out, into {@code outDir}:
 * <ul>
 *   <li>{@code model.safetensors}: every tensor under its Hugging Face name. The fused arrays of
 *       {@link QwenModel#parameters()} are split back along rows: {@code self_attn.qkv_proj.weight/.bias}
 *       ({@code [(H + 2 KV) * D, hidden]}) into {@code q_proj} ({@code H * D} rows), {@code k_proj} and
 *       {@code v_proj} ({@code KV * D} rows each); {@code mlp.gate_up_proj.weight} ({@code [2 I, hidden]})
 *       into {@code gate_proj} and {@code up_proj} ({@code I} rows each). A tied LM head is stored once, as
 *       {@code model.embed_tokens.weight}, as {@code tie_word_embeddings} requires. Qwen3's
 *       {@code q_norm}/{@code k_norm} gains, which {@code parameters()} leaves out because they are not
 *       trained, are copied unchanged from the source folder. Floating tensors are stored as the chosen
 *       {@link SafetensorsDType} (F32, F16 or BF16; BF16 rounded to nearest even on the host).</li>
 *   <li>{@code config.json} from the source with its {@code dtype}/{@code torch_dtype} set to the stored type;
 *       and, when they exist in the source, {@code generation_config.json}, the tokenizer files and the chat
 *       template files, copied byte for byte.</li>
 * </ul>
 *
 * <p>The weights file is written to a temporary sibling and renamed; the folder as a whole is not atomic, so
 * a publisher writes into the temporary directory of a checkpoint store (core {@code CheckpointStore}).
 */
public final class PolicyWriter {
    /** Files copied from the source folder when present (everything a tokenizer/serving stack reads). */
    public static final List<String> COPIED_FILES = List.of("generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt",
            "chat_template.jinja", "chat_template.json", "preprocessor_config.json");

    private static final Pattern QK_NORM = Pattern.compile("model\\.layers\\.\\d+\\.self_attn\\.[qk]_norm\\.weight");
    /** Non-persistent buffers some older checkpoints carry; derived from the config, so not written back. */
    private static final Pattern DERIVED = Pattern.compile("model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");

    private PolicyWriter() {
    }

    /** {@link #write(QwenModel, Path, Path, SafetensorsDType, Map)} with no metadata beyond {@code format: pt}. */
    public static void write(QwenModel model, Path sourceDir, Path outDir, SafetensorsDType dtype) {
        write(model, sourceDir, outDir, dtype, Map.of());
    }

    /**
     * Writes {@code model}'s weights and the source folder's configuration and tokenizer files into {@code outDir}.
     *
     * @param model     the model whose current parameters are written (unchanged by this call)
     * @param sourceDir the Hugging Face folder the model was loaded from (config, tokenizer, Qwen3 q/k norm gains)
     * @param outDir    destination folder, created when missing; must differ from {@code sourceDir}
     * @param dtype     storage type of the weights: F32, F16 or BF16
     * @param metadata  extra string entries of the safetensors {@code __metadata__} (e.g. step, policy version);
     *                  {@code format: pt} is always present
     * @throws IllegalArgumentException when {@code dtype} is not F32/F16/BF16 or the folders coincide
     * @throws ModelFormatException     naming the file and field when the source folder does not describe the
     *                                  model (different shapes, a tensor this writer would drop)
     * @throws UncheckedIOException     when a file cannot be read or written
     */
    public static void write(QwenModel model, Path sourceDir, Path outDir, SafetensorsDType dtype,
                             Map<String, String> metadata) {
        if (dtype != SafetensorsDType.F32 && dtype != SafetensorsDType.F16 && dtype != SafetensorsDType.BF16) {
            throw new IllegalArgumentException("dtype must be F32, F16 or BF16, got " + dtype);
        }
        try {
            if (Files.exists(outDir) && Files.isSameFile(sourceDir, outDir)) {
                throw new IllegalArgumentException("output folder " + outDir + " is the source folder");
            }
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + outDir, e);
        }
        QwenConfig c = model.config();
        checkSameShape(c, QwenConfig.load(sourceDir));
        Map<String, String> meta = new TreeMap<>(metadata);
        meta.put("format", "pt");
        try (NDManager scratch = model.manager().newSubManager();
             WeightStore source = WeightStore.open(sourceDir)) {
            Map<String, NDArray> tensors = hfTensors(model, scratch);
            for (String name : source.names()) {
                if (tensors.containsKey(name) || DERIVED.matcher(name).matches()
                        || (name.equals("lm_head.weight") && c.tieWordEmbeddings())) {
                    continue;
                }
                if (!QK_NORM.matcher(name).matches()) {
                    throw new ModelFormatException(source.pathOf(name), name, "the source folder holds a tensor "
                            + "that the " + c.modelType() + " model does not keep; writing would drop it");
                }
                tensors.put(name, source.load(name, scratch, DataType.FLOAT32, c.headDim()));
            }
            SafetensorsWriter.write(outDir.resolve(WeightStore.SINGLE_FILE), tensors, meta, dtype);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeConfig(sourceDir.resolve("config.json"), outDir.resolve("config.json"), dtype);
        for (String f : COPIED_FILES) {
            Path src = sourceDir.resolve(f);
            if (Files.isRegularFile(src)) {
                try {
                    Files.copy(src, outDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot copy " + src + " to " + outDir, e);
                }
            }
        }
    }

    /**
     * The model's parameters under Hugging Face names with fused arrays split (new arrays owned by
     * {@code scratch}; unfused parameters are returned as they are, not copied).
     */
    public static Map<String, NDArray> hfTensors(QwenModel model, NDManager scratch) {
        QwenConfig c = model.config();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            if (model instanceof Qwen25VlModel && isVisual(name)) {
                continue;
            }
            if (name.endsWith(".self_attn.qkv_proj.weight") || name.endsWith(".self_attn.qkv_proj.bias")) {
                String prefix = name.substring(0, name.lastIndexOf("qkv_proj"));
                String kind = name.substring(name.lastIndexOf('.'));
                NDList parts = split(p, scratch, q, q + kv);
                out.put(prefix + "q_proj" + kind, parts.get(0));
                out.put(prefix + "k_proj" + kind, parts.get(1));
                out.put(prefix + "v_proj" + kind, parts.get(2));
            } else if (name.endsWith(".mlp.gate_up_proj.weight")) {
                String prefix = name.substring(0, name.length() - "gate_up_proj.weight".length());
                NDList parts = split(p, scratch, c.intermediateSize());
                out.put(prefix + "gate_proj.weight", parts.get(0));
                out.put(prefix + "up_proj.weight", parts.get(1));
            } else {
                out.put(name, p);
            }
        }
        if (model instanceof Qwen25VlModel vl) {
            out.putAll(visionTensors(vl, scratch));
        }
        return out;
    }

    private static boolean isVisual(String name) {
        return name.startsWith("visual.") || name.startsWith("model.visual.");
    }

    /**
     * The vision tower's weights under Hugging Face names, whether the tower is trainable or frozen: the flattened
     * patch embedding {@code [hidden, C*T*P*P]} back to the Conv3d kernel {@code [hidden, C, T, P, P]}, and each
     * block's fused {@code mlp.gate_up_proj} weight and bias split into {@code gate_proj} and {@code up_proj}
     * (vision {@code intermediate_size} rows each).
     */
    private static Map<String, NDArray> visionTensors(Qwen25VlModel model, NDManager scratch) {
        Qwen25VisionConfig v = model.visual().config();
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.visual().parameters().entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            if (name.endsWith("patch_embed.proj.weight")) {
                NDArray k = p.reshape(v.hiddenSize(), v.inChannels(), v.temporalPatchSize(), v.patchSize(),
                        v.patchSize());
                k.attach(scratch);
                out.put(name, k);
            } else if (name.endsWith(".mlp.gate_up_proj.weight") || name.endsWith(".mlp.gate_up_proj.bias")) {
                String prefix = name.substring(0, name.lastIndexOf("gate_up_proj"));
                String kind = name.substring(name.lastIndexOf('.'));
                NDList parts = split(p, scratch, v.intermediateSize());
                out.put(prefix + "gate_proj" + kind, parts.get(0));
                out.put(prefix + "up_proj" + kind, parts.get(1));
            } else {
                out.put(name, p);
            }
        }
        return out;
    }

    private static NDList split(NDArray fused, NDManager scratch, long... rowBoundaries) {
        NDList parts = fused.split(rowBoundaries, 0);
        parts.attach(scratch);
        return parts;
    }

    private static void checkSameShape(QwenConfig model, QwenConfig source) {
        String[] fields = {"model_type", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                "num_attention_heads", "num_key_value_heads", "head_dim", "tie_word_embeddings", "attention_bias"};
        Object[] a = {model.modelType(), model.vocabSize(), model.hiddenSize(), model.intermediateSize(),
                model.numLayers(), model.numHeads(), model.numKvHeads(), model.headDim(), model.tieWordEmbeddings(),
                model.attentionBias()};
        Object[] b = {source.modelType(), source.vocabSize(), source.hiddenSize(), source.intermediateSize(),
                source.numLayers(), source.numHeads(), source.numKvHeads(), source.headDim(),
                source.tieWordEmbeddings(), source.attentionBias()};
        for (int i = 0; i < fields.length; i++) {
            if (!a[i].equals(b[i])) {
                throw new ModelFormatException(source.file(), fields[i], "source folder has " + b[i]
                        + " but the model being written has " + a[i]);
            }
        }
    }

    /** Copies {@code config.json}, recording the stored weight type in whichever dtype fields it has. */
    private static void writeConfig(Path src, Path dst, SafetensorsDType dtype) {
        ObjectMapper om = new ObjectMapper();
        JsonNode root;
        try {
            root = om.readTree(src.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(src, null, "cannot parse: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode obj)) {
            throw new ModelFormatException(src, null, "top level is not a JSON object");
        }
        String name = switch (dtype) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        };
        boolean set = setDtype(obj, name);
        if (obj.get("text_config") instanceof ObjectNode text) {
            set |= setDtype(text, name);
        }
        if (!set) {
            obj.put("torch_dtype", name);
        }
        Path tmp = dst.resolveSibling(dst.getFileName() + ".tmp");
        try {
            om.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), obj);
            Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dst, e);
        }
    }

    private static boolean setDtype(ObjectNode o, String name) {
        boolean set = false;
        for (String field : new String[] {"dtype", "torch_dtype"}) {
            if (o.has(field)) {
                o.put(field, name);
                set = true;
            }
        }
        return set;
    }
}
