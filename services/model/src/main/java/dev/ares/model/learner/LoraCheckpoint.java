package dev.ares.model.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.ares.model.lora.LoraAdapters;
import dev.ares.model.lora.LoraPair;
import dev.ares.model.qwen.QwenConfig;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.train.PolicyWriter;
import dev.ares.model.weights.SafetensorsDType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint of a LoRA learner (issue 6 item 3; architecture.md §4 step 5): rollout and inference load full
 * Hugging Face folders, so the checkpoint directory holds the <em>merged</em> weights {@code W + (alpha/r) B A} as
 * {@link PolicyWriter} writes them, and the adapter itself in PEFT layout under {@value #ADAPTER_DIR}/ (what a
 * resumed learner loads on top of the base folder, and what {@code ares merge} reads).
 *
 * <p>The merge is done in place on the base weights for the duration of the write and undone afterwards from
 * copies of the touched row blocks, so the base weights the training continues from are bit-identical to before
 * (a subtraction would not be). Extra memory during a write: one copy of the adapted row blocks.
 */
final class LoraCheckpoint {
    /** Sub-directory of a checkpoint holding {@code adapter_config.json} and {@code adapter_model.safetensors}. */
    static final String ADAPTER_DIR = "adapter";

    private LoraCheckpoint() {
    }

    /**
     * Writes the merged policy into {@code outDir} and the adapter into {@code outDir/adapter}.
     *
     * @param policy    the base model with {@code adapters} attached
     * @param sourceDir the base folder (config and tokenizer files are copied from it)
     * @param meta      safetensors metadata of the merged weights file
     */
    static void write(QwenModel policy, LoraAdapters adapters, Path sourceDir, Path outDir, Map<String, String> meta) {
        Map<String, NDArray> params = policy.parameters();
        QwenConfig c = policy.config();
        try (NDScope scope = new NDScope()) {
            List<Runnable> restore = new ArrayList<>();
            try {
                for (LoraPair pair : adapters.pairs()) {
                    NDArray w = params.get(pair.target().fused().parameterName(pair.layer()));
                    long lo = pair.target().rowOffset(c);
                    NDIndex rows = new NDIndex("{}:{}", lo, lo + pair.target().outFeatures(c));
                    NDArray block = w.get(rows);
                    NDArray saved = block.duplicate();
                    restore.add(() -> w.set(rows, saved));
                    NDArray updated = block.getDataType() == DataType.FLOAT32 ? block.add(pair.deltaWeight())
                            : block.toType(DataType.FLOAT32, false).add(pair.deltaWeight())
                                    .toType(block.getDataType(), false);
                    w.set(rows, updated);
                }
                PolicyWriter.write(policy, sourceDir, outDir, SafetensorsDType.F32, meta);
            } finally {
                for (int i = restore.size() - 1; i >= 0; i--) {
                    restore.get(i).run();
                }
            }
        }
        adapters.save(outDir.resolve(ADAPTER_DIR));
    }
}
