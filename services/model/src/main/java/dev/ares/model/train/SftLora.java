package dev.ares.model.train;

import dev.ares.model.lora.AdapterConfigJson;
import dev.ares.model.lora.LoraAdapters;
import dev.ares.model.lora.LoraConfig;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsDType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The LoRA variant of the supervised cold start (issue 5 item 7: "full fine-tuning and LoRA"): the base weights stay
 * frozen and only the adapter factors A {@code [r, in]} and B {@code [out, r]} of every target projection train
 * (Hu et al. 2021, eq. 3: {@code h = W x + (alpha / r) B A x}), through {@link LoraAdapters}.
 *
 * <p>Files: a LoRA checkpoint holds the adapter in PEFT layout ({@code adapter_config.json},
 * {@code adapter_model.safetensors}) beside the optimiser moments and the trainer state; a resumed run loads the
 * base folder again and the adapter on top. The final output folder holds the <em>merged</em> model
 * ({@code W + (alpha / r) B A}, a plain Hugging Face folder every other command reads) and the adapter itself under
 * {@value #ADAPTER_DIR}/.
 */
public final class SftLora {
    /** Sub-folder of the output folder that receives the trained adapter in PEFT layout. */
    public static final String ADAPTER_DIR = "adapter";

    private SftLora() {
    }

    /**
     * The adapter settings as one trainer-state field (rank, alpha, scaling rule, targets), so a resumed run must
     * use the same adapter shape.
     */
    static String describe(LoraConfig c) {
        return String.format(Locale.ROOT, "r=%d alpha=%s rslora=%s targets=%s", c.r(), Double.toString(c.alpha()),
                c.useRslora(), String.join(",", c.targetModules()));
    }

    /**
     * Attaches a new adapter (A from {@code seed}, B zero: the adapted model starts equal to the base) or, when
     * {@code checkpointDir} is given, the adapter saved there.
     */
    static LoraAdapters attach(QwenModel model, LoraConfig config, long seed, Path checkpointDir) {
        if (checkpointDir == null) {
            return LoraAdapters.attach(model, config, seed);
        }
        if (!Files.isRegularFile(checkpointDir.resolve(AdapterConfigJson.FILE))) {
            throw new IllegalStateException(checkpointDir + " holds no " + AdapterConfigJson.FILE
                    + ": it is a full fine-tuning checkpoint, not a LoRA one; use another --out");
        }
        return LoraAdapters.load(checkpointDir, model);
    }

    /**
     * Writes the end of a LoRA run: the adapter into {@code outDir/adapter}, then folds it into the base weights
     * ({@link LoraAdapters#merge()}, which detaches it) and writes the merged model into {@code outDir}.
     */
    static void finish(QwenModel model, LoraAdapters adapters, Path baseDir, Path outDir, int step) {
        adapters.save(outDir.resolve(ADAPTER_DIR));
        adapters.merge();
        PolicyWriter.write(model, baseDir, outDir, SafetensorsDType.F32, Map.of("step", Integer.toString(step),
                "lora", describe(adapters.config())));
    }
}
