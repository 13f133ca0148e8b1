package dev.ares.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ares.model.ModelFormatException;
import dev.ares.model.qwen.QwenConfig;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsFile;
import dev.ares.model.weights.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads PEFT's {@code adapter_model.safetensors} for a LoRA configuration: for every layer and target the
 * tensors {@code base_model.model.model.layers.N.<block>.<module>.lora_A.weight} {@code [r, in]} and
 * {@code ...lora_B.weight} {@code [out, r]} (names with the adapter name inside, {@code lora_A.default.weight},
 * as some PEFT versions write, are accepted too). Every tensor in the file must be accounted for.
 */
final class PeftWeights {
    private PeftWeights() {
    }

    static List<LoraPair> read(Path file, LoraConfig config, QwenModel model, NDManager m) {
        if (!Files.isRegularFile(file)) {
            Path bin = file.resolveSibling("adapter_model.bin");
            throw new ModelFormatException(file, null, Files.isRegularFile(bin)
                    ? "only safetensors adapters are read; convert " + bin + " to " + file.getFileName()
                    : "no adapter weights: " + file + " does not exist");
        }
        QwenConfig c = model.config();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, String> byCanonical = new LinkedHashMap<>();
            for (String name : f.names()) {
                String canonical = name.replace(".lora_A.default.weight", ".lora_A.weight")
                        .replace(".lora_B.default.weight", ".lora_B.weight");
                if (byCanonical.put(canonical, name) != null) {
                    throw new ModelFormatException(file, name, "two tensors name the same adapter factor " + canonical);
                }
            }
            List<LoraPair> pairs = new ArrayList<>();
            for (int layer = 0; layer < c.numLayers(); layer++) {
                for (LoraTarget t : config.targets()) {
                    String a = byCanonical.remove(LoraPair.peftName(t, layer, "lora_A"));
                    String b = byCanonical.remove(LoraPair.peftName(t, layer, "lora_B"));
                    NDArray aArr = factor(f, a, LoraPair.peftName(t, layer, "lora_A"), config, t, c, true, m, model);
                    NDArray bArr = factor(f, b, LoraPair.peftName(t, layer, "lora_B"), config, t, c, false, m, model);
                    pairs.add(new LoraPair(t, layer, aArr, bArr, (float) config.scaling()));
                }
            }
            if (!byCanonical.isEmpty()) {
                String first = byCanonical.values().iterator().next();
                throw new ModelFormatException(file, first, "tensor not accounted for by adapter_config.json "
                        + "(r " + config.r() + ", target_modules " + config.targetModules() + ", " + c.numLayers()
                        + " layers); unexpected: " + new TreeSet<>(byCanonical.values()));
            }
            return pairs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NDArray factor(SafetensorsFile f, String stored, String expected, LoraConfig config, LoraTarget t,
                                  QwenConfig c, boolean isA, NDManager m, QwenModel model) {
        if (stored == null) {
            throw new ModelFormatException(f.path(), expected, "required tensor is missing (adapter_config.json "
                    + "targets " + t.moduleName() + ")");
        }
        TensorInfo info = f.info(stored);
        long[] shape = info.shape();
        long[] want = isA ? new long[] {config.r(), t.inFeatures(c)} : new long[] {t.outFeatures(c), config.r()};
        if (!info.dtype().isFloating()) {
            throw new ModelFormatException(f.path(), stored, "dtype " + info.dtype() + " is not a floating type");
        }
        if (shape.length == 2) {
            long rank = isA ? shape[0] : shape[1];
            if (rank != config.r()) {
                throw new ModelFormatException(f.path(), stored, "rank mismatch: the tensor " + Arrays.toString(shape)
                        + " has rank " + rank + " but adapter_config.json says r = " + config.r());
            }
        }
        if (!Arrays.equals(shape, want)) {
            throw new ModelFormatException(f.path(), stored, "shape " + Arrays.toString(shape) + " does not match "
                    + Arrays.toString(want) + " implied by r and the base model's config.json");
        }
        return f.load(stored, m, model.device().dataType());
    }
}
