package dev.ares.model.generation;

import dev.ares.core.protocol.FinishReason;
import java.util.List;

/**
 * What one sequence generated. All arrays have one entry per generated token (EOS included when it ended
 * the sequence).
 *
 * @param ids             generated token ids
 * @param sampledLogprobs log-probability of each token under the distribution it was actually drawn from:
 *                        softmax(logits / T) after top-k and top-p truncation, renormalised (the behaviour
 *                        policy of the learner's importance ratio); 0 for greedy decoding (a point mass)
 * @param modelLogprobs   log-probability under the untruncated model distribution at temperature 1
 * @param entropies       exact entropy (nats) of the full softmax(logits / T) before truncation (aepo-spec
 *                        entropy); at temperature 1 for greedy decoding
 * @param alternatives    per token, the {@code topLogprobs} most likely tokens (empty arrays when not asked)
 * @param finishReason    EOS, STOP_SEQUENCE or LENGTH
 */
public record GenerationResult(int[] ids, float[] sampledLogprobs, float[] modelLogprobs, float[] entropies,
                               List<TokenAlternative[]> alternatives, FinishReason finishReason) {
}
