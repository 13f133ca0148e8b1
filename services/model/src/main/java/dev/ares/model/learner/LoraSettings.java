package dev.ares.model.learner;

import dev.ares.core.learner.LearnerConfigException;
import dev.ares.model.lora.LoraConfig;
import java.util.List;

/**
 * Whether the learner trains all weights or LoRA adapters (issue 6 item 3 "full or LoRA"; architecture.md §4
 * step 5; Hu et al. 2021).
 *
 * @param rank    adapter rank r; {@code 0} = full fine-tuning ({@code ares.learner.lora-rank})
 * @param alpha   PEFT {@code lora_alpha}, finite and {@code > 0}; the update is {@code (alpha / r) B A}
 *                ({@code ares.learner.lora-alpha})
 * @param targets Hugging Face module names that get an adapter, or {@code all-linear}
 *                ({@code ares.learner.lora-targets})
 * @param seed    seed of the initial A factors (B starts at zero, so the first forward equals the base model's)
 */
public record LoraSettings(int rank, double alpha, List<String> targets, long seed) {
    /** Full fine-tuning. */
    public static final LoraSettings FULL = new LoraSettings(0, 16, List.of("all-linear"), 0);

    /** Validates, naming the key. */
    public LoraSettings {
        if (rank < 0) {
            throw new LearnerConfigException("ares.learner.lora-rank", "must be >= 0 (0 = full fine-tuning)", rank);
        }
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new LearnerConfigException("ares.learner.lora-alpha", "must be finite and > 0", alpha);
        }
        targets = targets == null ? List.of() : List.copyOf(targets);
        if (rank > 0) {
            if (targets.isEmpty()) {
                throw new LearnerConfigException("ares.learner.lora-targets", "must name at least one module",
                        targets);
            }
            try {
                LoraConfig.of(rank, alpha, targets, null);   // the fields are assigned after this block
            } catch (IllegalArgumentException e) {
                throw new LearnerConfigException("ares.learner.lora-targets", "must name known modules ("
                        + e.getMessage() + ")", targets);
            }
        }
    }

    /** True when adapters are trained instead of all weights. */
    public boolean enabled() {
        return rank > 0;
    }

    /** The adapter configuration (PEFT {@code adapter_config.json}) over {@code baseModel}. */
    public LoraConfig config(String baseModel) {
        return LoraConfig.of(rank, alpha, targets, baseModel);
    }
}
