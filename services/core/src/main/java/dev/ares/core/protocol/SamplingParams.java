package dev.ares.core.protocol;

import java.util.List;

/**
 * Sampling parameters of a rollout (architecture.md §3). The behaviour log-probability recorded per token
 * ({@link Trajectory#sampledLogprobs()}) is taken under the distribution these parameters define.
 *
 * @param temperature  softmax temperature, {@code > 0} (greedy decoding is expressed as {@code topK = 1})
 * @param topP         nucleus mass in (0, 1]; 1 disables nucleus truncation
 * @param topK         number of most likely tokens kept, {@code >= 0}; 0 disables top-k truncation
 * @param maxNewTokens maximum number of generated tokens per trajectory, {@code >= 1}
 * @param seed         base RNG seed of the group (trajectory i uses a seed derived from it)
 * @param stop         stop strings; generation ends when the decoded text ends with one; may be empty
 */
public record SamplingParams(double temperature, double topP, int topK, int maxNewTokens, long seed,
                             List<String> stop) {
    public SamplingParams {
        if (!(temperature > 0.0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("SamplingParams.temperature must be finite and > 0, got " + temperature);
        }
        if (!(topP > 0.0 && topP <= 1.0)) {
            throw new IllegalArgumentException("SamplingParams.topP must be in (0, 1], got " + topP);
        }
        Checks.atLeast(topK, 0, "SamplingParams.topK");
        Checks.atLeast(maxNewTokens, 1, "SamplingParams.maxNewTokens");
        stop = Checks.list(stop, "SamplingParams.stop");
        for (int i = 0; i < stop.size(); i++) {
            if (stop.get(i).isEmpty()) {
                throw new IllegalArgumentException("SamplingParams.stop[" + i + "] must not be empty");
            }
        }
    }

    /** True when neither top-p nor top-k truncates the distribution (then sampled and model logprobs agree at T=1). */
    public boolean untruncated() {
        return topP >= 1.0 && topK == 0;
    }
}
