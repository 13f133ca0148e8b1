package dev.ares.model.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ares.model.train.AdamW;
import dev.ares.model.weights.SafetensorsFile;
import dev.ares.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The learner's optimizer step: global gradient-norm clipping (spec §11: 1.0) then {@link AdamW}, refusing a
 * non-finite gradient; and the optimizer state in a checkpoint, so a resumed run continues bit for bit
 * (architecture.md §4 step 4).
 *
 * <p>File {@value #FILE}: the tensors of {@link AdamW#state()} ({@code <parameter>.exp_avg},
 * {@code <parameter>.exp_avg_sq}, fused parameter names of {@link dev.ares.model.qwen.QwenModel#parameters()}) and
 * metadata {@code step} (the same layout as the SFT trainer's optimizer file).
 */
public final class LearnerOptimizer {
    /** File name inside a checkpoint directory. */
    public static final String FILE = "optimizer.safetensors";

    private final AdamW adam;
    private final TrainerConfig cfg;
    private final NDManager manager;

    /**
     * Marks every parameter as requiring gradients and allocates zero moments.
     *
     * @param parameters the trainable arrays by name (updated in place)
     * @param manager    manager of the scratch arrays used while loading a state
     */
    public LearnerOptimizer(Map<String, NDArray> parameters, TrainerConfig cfg, NDManager manager) {
        this.adam = new AdamW(parameters, cfg.lr(), cfg.beta1(), cfg.beta2(), cfg.adamEps(), cfg.weightDecay());
        this.cfg = cfg;
        this.manager = manager;
    }

    /**
     * Clips the accumulated gradients to a global L2 norm of {@code maxGradNorm}, takes one AdamW step, and zeroes
     * the gradients. Call outside the gradient collector.
     *
     * @return the global gradient norm before clipping
     * @throws IllegalStateException when the norm is not finite (gradients zeroed, weights unchanged)
     */
    public double step() {
        double norm = adam.clipGradientNorm(cfg.maxGradNorm());
        if (!Double.isFinite(norm)) {
            adam.zeroGradients();
            throw new IllegalStateException("gradient norm is " + norm + ": the step is skipped (no weights changed)");
        }
        adam.step();
        return norm;
    }

    /**
     * Zeroes whatever gradients a failed step accumulated, so they cannot leak into the next one. Parameters that
     * never received a gradient are skipped.
     */
    public void discardGradients() {
        try {
            adam.zeroGradients();
        } catch (RuntimeException e) {
            // no backward pass ran since the last step: there is nothing to discard
        }
    }

    /** Updates taken so far. */
    public long steps() {
        return adam.steps();
    }

    /** Writes both moments and the step count to {@code file}. */
    public void save(Path file) {
        SafetensorsWriter.write(file, adam.state(), Map.of("step", Integer.toString(adam.steps()),
                "optimizer", "adamw"));
    }

    /**
     * Restores moments and step count written by {@link #save(Path)}.
     *
     * @throws IllegalArgumentException naming the file and entry when the metadata or a moment is missing or does not
     *     fit the parameters
     */
    public void load(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = manager.newSubManager()) {
            String step = f.metadata().get("step");
            if (step == null || !step.matches("\\d{1,9}")) {
                throw new IllegalArgumentException(file + ": metadata 'step' must be a non-negative integer, got " + step);
            }
            Map<String, NDArray> state = new LinkedHashMap<>();
            for (String n : f.names()) {
                state.put(n, f.load(n, m, null));
            }
            try {
                adam.load(state, Integer.parseInt(step));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
