package dev.ares.core.compute;

import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.SamplingParams;
import java.util.List;

/**
 * The compute step of inference-service (architecture.md §7): completes prompts with the model it serves and
 * swaps to a newer checkpoint without failing requests in flight.
 */
public interface ServingEngine {

    /** The id the served model is listed under in {@code /v1/models}. */
    String modelId();

    /** The policy version served now (0 for a model loaded from a folder rather than a checkpoint). */
    long policyVersion();

    /**
     * Completes one request.
     *
     * @throws IllegalArgumentException for input the model cannot serve (the message is shown to the client)
     * @throws IllegalStateException    when no model is loaded
     */
    Completion complete(Request request);

    /** Loads and verifies the checkpoint beside the current model, then switches; older versions are ignored. */
    void onCheckpoint(CheckpointEvent event);

    /** Ready when a model is loaded. */
    Readiness readiness();

    /**
     * A completion request: either chat {@code messages} (rendered by the model's chat template) or a raw
     * {@code promptText}, or {@code promptIds}; exactly one is set.
     *
     * @param n           number of choices, at least 1
     * @param topLogprobs alternatives per token to return, 0 for none
     */
    record Request(List<ChatMessage> messages, String promptText, int[] promptIds, SamplingParams sampling,
                   int n, int topLogprobs) {
        public Request {
            int set = (messages != null ? 1 : 0) + (promptText != null ? 1 : 0) + (promptIds != null ? 1 : 0);
            if (set != 1) {
                throw new IllegalArgumentException("exactly one of messages, prompt text or prompt ids must be given");
            }
            if (sampling == null) {
                throw new IllegalArgumentException("sampling parameters must be given");
            }
            if (n < 1) {
                throw new IllegalArgumentException("n must be at least 1, got " + n);
            }
            if (topLogprobs < 0) {
                throw new IllegalArgumentException("top_logprobs must be >= 0, got " + topLogprobs);
            }
        }
    }

    /**
     * The result of a request.
     *
     * @param promptIds     the prompt as token ids
     * @param choices       one per requested sample
     * @param policyVersion the version that generated it
     */
    record Completion(int[] promptIds, List<Choice> choices, long policyVersion) {
    }

    /**
     * One generated sequence.
     *
     * @param text         decoded text of the generated tokens
     * @param tokenIds     generated ids
     * @param logprobs     logprob of each generated token under the distribution sampled from
     * @param entropies    exact entropy of each step's full distribution (nats)
     * @param triggers     whether each generated token is a reasoning trigger of the model's trigger table
     * @param thinkTokens  generated tokens up to and including {@code </think>} (all of them when the response
     *                     never closed its reasoning, 0 without reasoning)
     * @param finishReason "stop" or "length"
     */
    record Choice(String text, int[] tokenIds, float[] logprobs, float[] entropies, boolean[] triggers, int thinkTokens,
                  String finishReason) {
    }
}
