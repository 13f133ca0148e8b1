package dev.ares.model.lora;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The hyper-parameters of a LoRA adapter (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language
 * Models", eq. 3 and §4.1): rank {@code r}, the scale {@code alpha} (the update is {@code (alpha / r) B A}, or
 * {@code (alpha / sqrt(r)) B A} with rank-stabilised scaling, Kalajdzievski 2023), and the projections that
 * carry an adapter in every layer. Saved and read as PEFT's {@code adapter_config.json}
 * ({@link AdapterConfigJson}).
 *
 * @param r               rank, {@code >= 1}
 * @param alpha           PEFT's {@code lora_alpha}, finite and {@code > 0}
 * @param targets         projections with an adapter (non-empty)
 * @param dropout         PEFT's {@code lora_dropout}, in {@code [0, 1)}; recorded only: this runtime never
 *                        applies dropout (inference and merging are exact; training here is deterministic), and
 *                        {@link LoraAdapters#attach} refuses values other than 0
 * @param useRslora       PEFT's {@code use_rslora}: scale by {@code alpha / sqrt(r)} instead of {@code alpha / r}
 * @param baseModel       PEFT's {@code base_model_name_or_path} (a folder or hub id), or null
 */
public record LoraConfig(int r, double alpha, Set<LoraTarget> targets, double dropout, boolean useRslora,
                         String baseModel) {
    public LoraConfig {
        if (r < 1) {
            throw new IllegalArgumentException("LoRA rank r must be >= 1, got " + r);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("lora_alpha must be finite and > 0, got " + alpha);
        }
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("at least one target module is needed (one of "
                    + LoraTarget.moduleNames() + ")");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
        }
        targets = java.util.Collections.unmodifiableSet(EnumSet.copyOf(targets));
    }

    /**
     * A configuration for a new adapter: dropout 0, plain {@code alpha / r} scaling.
     *
     * @param targetModules Hugging Face module names ({@code q_proj}, {@code k_proj}, {@code v_proj},
     *                      {@code o_proj}, {@code gate_proj}, {@code up_proj}, {@code down_proj}) or
     *                      {@code all-linear} for all seven
     * @throws IllegalArgumentException naming an unknown module
     */
    public static LoraConfig of(int r, double alpha, Collection<String> targetModules, String baseModel) {
        return new LoraConfig(r, alpha, parseTargets(targetModules), 0.0, false, baseModel);
    }

    /** The factor of {@code B A} in the update: {@code alpha / r}, or {@code alpha / sqrt(r)} with rsLoRA. */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** The target module names in layer order ({@code q_proj} first), as written to {@code target_modules}. */
    public List<String> targetModules() {
        return targets.stream().map(LoraTarget::moduleName).toList();
    }

    /** This configuration with another {@code base_model_name_or_path}. */
    public LoraConfig withBaseModel(String baseModel) {
        return new LoraConfig(r, alpha, targets, dropout, useRslora, baseModel);
    }

    static Set<LoraTarget> parseTargets(Collection<String> names) {
        Set<LoraTarget> out = EnumSet.noneOf(LoraTarget.class);
        List<String> unknown = new ArrayList<>();
        for (String n : names) {
            if ("all-linear".equals(n)) {
                out.addAll(EnumSet.allOf(LoraTarget.class));
                continue;
            }
            LoraTarget t = LoraTarget.byModuleName(n);
            if (t == null) {
                unknown.add(n);
            } else {
                out.add(t);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown LoRA target module(s) " + unknown + "; supported: "
                    + LoraTarget.moduleNames() + " or all-linear");
        }
        return out;
    }
}
