package dev.ares.inference;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Response bodies and stream chunks of the OpenAI-compatible API, in the shapes of OpenAI's and vLLM's servers.
 * Fields that are null are left out, except where the OpenAI schema says null ({@code finish_reason} of a chunk,
 * {@code logprobs} of a choice).
 */
public final class ApiResponses {
    private ApiResponses() {
    }

    public record Usage(@JsonProperty("prompt_tokens") int promptTokens, @JsonProperty("completion_tokens") int completionTokens,
                        @JsonProperty("total_tokens") int totalTokens) {
    }

    /** The {@code ares} object of a response: which policy answered. */
    public record AresInfo(@JsonProperty("policy_version") long policyVersion) {
    }

    /**
     * The {@code ares} object of a choice: tokens spent inside {@code <think>}, HWE events at the configured
     * threshold, and the mean token entropy (nats).
     */
    public record AresChoiceInfo(@JsonProperty("think_tokens") int thinkTokens, @JsonProperty("hwe_count") int hweCount,
                                 @JsonProperty("mean_entropy") double meanEntropy) {
    }

    /** One alternative of a chat token: its text, natural-log probability and UTF-8 bytes. */
    public record TopLogprob(String token, double logprob, int[] bytes) {
    }

    /** One generated token of a chat choice with its alternatives. */
    public record ChatTokenLogprob(String token, double logprob, int[] bytes,
                                   @JsonProperty("top_logprobs") List<TopLogprob> topLogprobs) {
    }

    /** {@code logprobs} of a chat choice. */
    public record ChatLogprobs(List<ChatTokenLogprob> content) {
    }

    /** {@code logprobs} of a completion choice (the legacy shape: parallel arrays, alternatives as maps). */
    public record CompletionLogprobs(List<String> tokens, @JsonProperty("token_logprobs") List<Double> tokenLogprobs,
                                     @JsonProperty("top_logprobs") List<Map<String, Double>> topLogprobs,
                                     @JsonProperty("text_offset") List<Integer> textOffset) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CompletionChoice(int index, String text, @JsonInclude(JsonInclude.Include.ALWAYS) CompletionLogprobs logprobs,
                                   @JsonProperty("finish_reason") @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason,
                                   @JsonProperty("token_ids") int[] tokenIds, AresChoiceInfo ares) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CompletionResponse(String id, String object, long created, String model, List<CompletionChoice> choices,
                                     Usage usage, @JsonProperty("prompt_token_ids") int[] promptTokenIds, AresInfo ares) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatMessageOut(String role, @JsonInclude(JsonInclude.Include.ALWAYS) String content,
                                 @JsonProperty("reasoning_content") String reasoningContent) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatChoice(int index, ChatMessageOut message, @JsonInclude(JsonInclude.Include.ALWAYS) ChatLogprobs logprobs,
                             @JsonProperty("finish_reason") String finishReason,
                             @JsonProperty("token_ids") int[] tokenIds, AresChoiceInfo ares) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatResponse(String id, String object, long created, String model, List<ChatChoice> choices,
                               Usage usage, @JsonProperty("prompt_token_ids") int[] promptTokenIds, AresInfo ares) {
    }

    /** The {@code delta} of a chat stream chunk. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatDelta(String role, String content, @JsonProperty("reasoning_content") String reasoningContent) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatChunkChoice(int index, ChatDelta delta, @JsonInclude(JsonInclude.Include.ALWAYS) ChatLogprobs logprobs,
                                  @JsonProperty("finish_reason") @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason,
                                  @JsonProperty("token_ids") int[] tokenIds, AresChoiceInfo ares) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CompletionChunkChoice(int index, String text,
                                        @JsonInclude(JsonInclude.Include.ALWAYS) CompletionLogprobs logprobs,
                                        @JsonProperty("finish_reason") @JsonInclude(JsonInclude.Include.ALWAYS) String finishReason,
                                        @JsonProperty("token_ids") int[] tokenIds, AresChoiceInfo ares) {
    }

    /** A stream chunk ({@code chat.completion.chunk} or {@code text_completion}); choices hold the chunk choices. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Chunk(String id, String object, long created, String model, List<?> choices, Usage usage,
                        @JsonProperty("prompt_token_ids") int[] promptTokenIds) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelCard(String id, String object, long created, @JsonProperty("owned_by") String ownedBy,
                            @JsonProperty("max_model_len") Integer maxModelLen, AresInfo ares) {
    }

    public record ModelList(String object, List<ModelCard> data) {
    }
}
