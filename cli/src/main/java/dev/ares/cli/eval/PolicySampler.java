package dev.ares.cli.eval;

import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.model.engine.LoadedPolicy;
import dev.ares.model.generation.GenerationResult;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ResponseSampler} over a loaded model: the user turn goes through the model folder's chat template
 * (with the generation prompt), then k samples are drawn in one batch. Temperature 0 means greedy decoding
 * (expressed as top-k = 1, as the rollout protocol does).
 */
public final class PolicySampler implements ResponseSampler {
    private final LoadedPolicy policy;
    private final double temperature;
    private final int maxNewTokens;

    /**
     * @param policy       the loaded model with its tokenizer and chat template
     * @param temperature  0 for greedy, otherwise the softmax temperature (> 0, finite)
     * @param maxNewTokens generated tokens per response, ≥ 1
     */
    public PolicySampler(LoadedPolicy policy, double temperature, int maxNewTokens) {
        if (!(temperature >= 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        this.policy = policy;
        this.temperature = temperature;
        this.maxNewTokens = maxNewTokens;
    }

    @Override
    public List<Response> sample(String userText, int k, long seed) {
        int[] prompt = policy.encodeChat(List.of(new ChatMessage("user", userText)));
        return responses(policy.sample(prompt, params(seed), k, 0));
    }

    /** Images go through the model's vision tower ({@link LoadedPolicy#sampleWithImages}); text-only models refuse. */
    @Override
    public List<Response> sampleWithImages(String userText, List<byte[]> images, int k, long seed) {
        return responses(policy.sampleWithImages(userText, images, params(seed), k, 0));
    }

    private SamplingParams params(long seed) {
        return temperature == 0
                ? new SamplingParams(1.0, 1.0, 1, maxNewTokens, seed, List.of())
                : new SamplingParams(temperature, 1.0, 0, maxNewTokens, seed, List.of());
    }

    private List<Response> responses(List<GenerationResult> results) {
        List<Response> out = new ArrayList<>(results.size());
        for (GenerationResult r : results) {
            out.add(new Response(policy.decode(r.ids()), r.ids().length));
        }
        return out;
    }
}
