package dev.ares.model.generation;

import dev.ares.core.protocol.SamplingParams;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * How to pick the next tokens (architecture.md §3 sampling parameters, plus the stop rules).
 *
 * @param maxNewTokens most tokens generated per sequence, {@code >= 1}
 * @param temperature  softmax temperature; {@code 0} means greedy (arg-max)
 * @param topP         nucleus mass in (0, 1]; 1 disables nucleus truncation
 * @param topK         tokens kept by top-k truncation; 0 disables it
 * @param seed         base seed; sequence {@code i} of a call draws from its own stream derived from it
 * @param eosIds       ids that end a sequence (the EOS token is kept as the last generated token)
 * @param stopStrings  strings that end a sequence once its decoded text contains one (needs a decoder)
 * @param topLogprobs  alternatives reported per generated token (0 for none)
 */
public record GenerationParams(int maxNewTokens, double temperature, double topP, int topK, long seed,
                               Set<Integer> eosIds, List<String> stopStrings, int topLogprobs) {
    public GenerationParams {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (topLogprobs < 0) {
            throw new IllegalArgumentException("topLogprobs must be >= 0, got " + topLogprobs);
        }
        eosIds = Set.copyOf(eosIds);
        stopStrings = List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens, no stop rule. */
    public static GenerationParams greedy(int maxNewTokens) {
        return new GenerationParams(maxNewTokens, 0, 1, 0, 0, Set.of(), List.of(), 0);
    }

    /** Sampling at {@code temperature} without truncation, no stop rule. */
    public static GenerationParams sampled(int maxNewTokens, double temperature, long seed) {
        return new GenerationParams(maxNewTokens, temperature, 1, 0, seed, Set.of(), List.of(), 0);
    }

    /** The rollout protocol's parameters with the model's EOS ids. */
    public static GenerationParams of(SamplingParams p, Collection<Integer> eosIds) {
        return new GenerationParams(p.maxNewTokens(), p.temperature(), p.topP(), p.topK(), p.seed(),
                Set.copyOf(eosIds), p.stop(), 0);
    }

    /** True for arg-max decoding. */
    public boolean greedy() {
        return temperature == 0;
    }

    /** A copy with other EOS ids. */
    public GenerationParams withEos(Collection<Integer> ids) {
        return new GenerationParams(maxNewTokens, temperature, topP, topK, seed, Set.copyOf(ids), stopStrings,
                topLogprobs);
    }

    /** A copy with other stop strings. */
    public GenerationParams withStop(List<String> stops) {
        return new GenerationParams(maxNewTokens, temperature, topP, topK, seed, eosIds, stops, topLogprobs);
    }

    /** A copy reporting {@code n} alternatives per token. */
    public GenerationParams withTopLogprobs(int n) {
        return new GenerationParams(maxNewTokens, temperature, topP, topK, seed, eosIds, stopStrings, n);
    }
}
