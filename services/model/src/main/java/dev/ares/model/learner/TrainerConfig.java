package dev.ares.model.learner;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.aepo.KlConfig;
import dev.ares.core.aepo.PolicyLossConfig;
import dev.ares.core.aepo.Windows;
import dev.ares.core.learner.LearnerConfigException;
import dev.ares.core.learner.LearnerMode;

/**
 * Optimizer-step settings of the {@link PolicyTrainer} (architecture.md §4 step 4; aepo-spec §7, §8, §11).
 *
 * @param mode         AEPO (either exploration mode) or GRPO
 * @param loss         clipped surrogate (ε_low, ε_high, dual clip, aggregation)
 * @param kl           KL estimator, coefficient, aggregation, controller and ρ
 * @param lr           AdamW learning rate, {@code > 0} ({@code ares.learner.lr})
 * @param weightDecay  decoupled weight decay, {@code >= 0}
 * @param beta1        Adam β1 in [0, 1)
 * @param beta2        Adam β2 in [0, 1)
 * @param adamEps      Adam ε, {@code > 0}
 * @param maxGradNorm  global gradient-norm clip, {@code > 0} ({@code ares.learner.max-grad-norm}; spec §11: 1.0)
 * @param tokenBudget  most padded tokens (rows × columns) per micro-batch, {@code >= 1}; bounds the logits memory
 *                     to {@code tokenBudget × vocab × 4} bytes ({@code ares.learner.microbatch-tokens})
 * @param temperature  temperature the log-probabilities are recomputed at (the sampling temperature), {@code > 0}
 * @param window       HWE window width w (second-chance soft cost), {@code >= 1}
 * @param windowMode   HWE window placement
 * @param importanceWeightCap truncation cap C of the behaviour-policy importance weights, {@code 0} = off
 *                     ({@code ares.learner.importance-weight-cap}; docs/learner.md "Importance weights"). Off: the
 *                     clipped surrogate takes its ratio against the behaviour log-probs (spec §8 with π_old =
 *                     behaviour). On ({@code >= 1}): decoupled objective, the surrogate's ratio is taken against the
 *                     learner's own recomputation π_prox and every response token carries the detached weight
 *                     min(π_prox / π_behaviour, C) (truncated importance sampling)
 */
public record TrainerConfig(LearnerMode mode, PolicyLossConfig loss, KlConfig kl, double lr, double weightDecay,
                            double beta1, double beta2, double adamEps, double maxGradNorm, int tokenBudget,
                            double temperature, int window, Windows.Mode windowMode, double importanceWeightCap) {

    /** Validates ranges, naming the configuration key. */
    public TrainerConfig {
        if (mode == null || loss == null || kl == null || windowMode == null) {
            throw new IllegalArgumentException("TrainerConfig: mode, loss, kl and windowMode are required");
        }
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new LearnerConfigException("ares.learner.lr", "must be finite and > 0", lr);
        }
        if (!(weightDecay >= 0)) {
            throw new LearnerConfigException("ares.learner.weight-decay", "must be >= 0", weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(adamEps > 0)) {
            throw new IllegalArgumentException("TrainerConfig: Adam betas must lie in [0, 1) and eps be > 0");
        }
        if (!(maxGradNorm > 0)) {
            throw new LearnerConfigException("ares.learner.max-grad-norm", "must be > 0", maxGradNorm);
        }
        if (tokenBudget < 1) {
            throw new LearnerConfigException("ares.learner.microbatch-tokens", "must be >= 1", tokenBudget);
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new LearnerConfigException("ares.learner.temperature", "must be finite and > 0", temperature);
        }
        if (window < 1) {
            throw new IllegalArgumentException("TrainerConfig.window must be >= 1, got " + window);
        }
        if (!(importanceWeightCap == 0 || importanceWeightCap >= 1) || !Double.isFinite(importanceWeightCap)) {
            throw new LearnerConfigException("ares.learner.importance-weight-cap",
                    "must be 0 (off) or a finite cap >= 1", importanceWeightCap);
        }
    }

    /** A configuration without importance-weight truncation (the behaviour ratio inside the clipped surrogate). */
    public TrainerConfig(LearnerMode mode, PolicyLossConfig loss, KlConfig kl, double lr, double weightDecay,
                         double beta1, double beta2, double adamEps, double maxGradNorm, int tokenBudget,
                         double temperature, int window, Windows.Mode windowMode) {
        this(mode, loss, kl, lr, weightDecay, beta1, beta2, adamEps, maxGradNorm, tokenBudget, temperature, window,
                windowMode, 0.0);
    }

    /** This configuration with another {@link #importanceWeightCap()} (0 = off). */
    public TrainerConfig withImportanceWeightCap(double cap) {
        return new TrainerConfig(mode, loss, kl, lr, weightDecay, beta1, beta2, adamEps, maxGradNorm, tokenBudget,
                temperature, window, windowMode, cap);
    }

    /** This configuration with another KL setting (e.g. coefficient 0 to look at the surrogate alone). */
    public TrainerConfig withKl(KlConfig other) {
        return new TrainerConfig(mode, loss, other, lr, weightDecay, beta1, beta2, adamEps, maxGradNorm, tokenBudget,
                temperature, window, windowMode, importanceWeightCap);
    }

    /**
     * The project defaults for a mode.
     *
     * <ul>
     *   <li>AEPO ({@code hwe-branch}, {@code iid}): the paper reading of the loss and KL (docs/aepo.md): k3,
     *       coefficient 0.01, ρ = 0.67 inside validated HWE windows, per-bucket κ_d controller, seq-mean-token-mean;
     *       clip 0.2/0.3, dual clip 3.</li>
     *   <li>GRPO: the KL of {@link AepoConfig#grpo()} (coefficient 0.01, β fixed at 1, no controller, no window
     *       relaxation, no second chance: the "fixed KL coefficient" baseline of issue 6 item 6), code clip and
     *       token-mean aggregation.</li>
     * </ul>
     * AdamW betas (0.9, 0.999), ε 1e-8, weight decay 0.01 (spec §11), gradient clip 1.0.
     */
    public static TrainerConfig defaults(LearnerMode mode, double lr, int tokenBudget, double temperature) {
        KlConfig kl = mode == LearnerMode.GRPO ? AepoConfig.grpo().kl() : KlConfig.paper();
        PolicyLossConfig loss = mode == LearnerMode.GRPO ? PolicyLossConfig.code() : PolicyLossConfig.paper();
        return new TrainerConfig(mode, loss, kl, lr, 0.01, 0.9, 0.999, 1e-8, 1.0, tokenBudget, temperature, 4,
                mode == LearnerMode.GRPO ? Windows.Mode.FORWARD_EXCLUSIVE : Windows.Mode.FORWARD_INCLUSIVE);
    }
}
