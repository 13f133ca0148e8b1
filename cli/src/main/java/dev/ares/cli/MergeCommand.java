package dev.ares.cli;

import dev.ares.model.DeviceSpec;
import dev.ares.model.lora.LoraAdapters;
import dev.ares.model.lora.LoraConfig;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.train.PolicyWriter;
import dev.ares.model.weights.SafetensorsDType;
import dev.ares.model.weights.WeightStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./ares merge} (issue 7 item 5): folds a PEFT-layout LoRA adapter ({@code adapter_config.json} +
 * {@code adapter_model.safetensors}) into a base Qwen folder, {@code W += (alpha / r) B A} computed in float32,
 * and writes a servable Hugging Face folder (unfused {@code q_proj}/{@code k_proj}/... names, config and
 * tokenizer files copied, {@code torch_dtype} set) with {@link PolicyWriter}. Without {@code --adapter} it
 * converts the base checkpoint (single-file or sharded) to the chosen dtype. The stored dtype defaults to the
 * base's own ({@code model.embed_tokens.weight}'s).
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge a PEFT LoRA adapter into a base Qwen folder (or convert a checkpoint's dtype) and write "
                + "a servable Hugging Face folder.")
public final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--base", required = true, description = "base Hugging Face model folder")
    Path base;

    @Option(names = "--adapter", description = "PEFT LoRA adapter folder (omit to convert the base only)")
    Path adapter;

    @Option(names = "--out", required = true, description = "output folder (must not exist or be empty)")
    Path out;

    @Option(names = "--dtype", description = "stored weight type: bf16, f16 or f32 (default: the base's)")
    String dtype;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(base)) {
            throw new ParameterException(spec.commandLine(), "--base " + base + ": no such folder");
        }
        if (adapter != null && !Files.isDirectory(adapter)) {
            throw new ParameterException(spec.commandLine(), "--adapter " + adapter + ": no such folder");
        }
        SafetensorsDType stored = dtype == null ? baseDtype(base) : parseDtype(dtype);
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out " + out + " exists and is not a folder");
            }
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + out + " is not empty; choose a new folder");
                }
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        try (QwenModel model = QwenModel.load(base, DeviceSpec.cpu())) {
            String what;
            if (adapter != null) {
                LoraAdapters lora = LoraAdapters.load(adapter, model);
                LoraConfig c = lora.config();
                what = String.format(Locale.ROOT, "merged %s (r %d, lora_alpha %s, targets %s) into %s", adapter,
                        c.r(), fmt(c.alpha()), c.targetModules(), base);
                lora.merge();
            } else {
                what = "converted " + base;
            }
            PolicyWriter.write(model, base, out, stored, adapter == null ? Map.of()
                    : Map.of("ares_merged_adapter", adapter.getFileName().toString()));
            o.printf(Locale.ROOT, "%s -> %s (%s, %.1f s)%n", what, out, stored,
                    (System.nanoTime() - t0) / 1e9);
        }
        o.flush();
        return 0;
    }

    private SafetensorsDType parseDtype(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "bf16", "bfloat16" -> SafetensorsDType.BF16;
            case "f16", "fp16", "float16" -> SafetensorsDType.F16;
            case "f32", "fp32", "float32" -> SafetensorsDType.F32;
            default -> throw new ParameterException(spec.commandLine(), "--dtype " + s + ": expected bf16, f16 or f32");
        };
    }

    /** The stored type of the base's embedding (F32 when it is not a floating type F32/F16/BF16). */
    private static SafetensorsDType baseDtype(Path dir) {
        try (WeightStore w = WeightStore.open(dir)) {
            SafetensorsDType t = w.info("model.embed_tokens.weight").dtype();
            return t == SafetensorsDType.BF16 || t == SafetensorsDType.F16 ? t : SafetensorsDType.F32;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
