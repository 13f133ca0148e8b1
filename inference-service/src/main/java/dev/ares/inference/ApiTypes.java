package dev.ares.inference;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Request and response bodies of the OpenAI-compatible API (the fields this server honours). */
public final class ApiTypes {
    private ApiTypes() {
    }

    /** {@code POST /v1/completions}: {@code prompt} is a string or an array of token ids. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CompletionRequest(String model, JsonNode prompt, @JsonProperty("max_tokens") Integer maxTokens,
                                    Double temperature, @JsonProperty("top_p") Double topP, @JsonProperty("top_k") Integer topK,
                                    Long seed, JsonNode stop, Integer n,
                                    @JsonProperty("return_token_ids") Boolean returnTokenIds) {
    }

    /** {@code POST /v1/chat/completions}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ChatRequest(String model, List<Message> messages, @JsonProperty("max_tokens") Integer maxTokens,
                              @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
                              Double temperature, @JsonProperty("top_p") Double topP, @JsonProperty("top_k") Integer topK,
                              Long seed, JsonNode stop, Integer n,
                              @JsonProperty("return_token_ids") Boolean returnTokenIds) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String role, JsonNode content) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
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

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CompletionChoice(int index, String text, @JsonProperty("finish_reason") String finishReason,
                                   @JsonProperty("token_ids") int[] tokenIds, AresChoiceInfo ares) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CompletionResponse(String id, String object, long created, String model, List<CompletionChoice> choices,
                                     Usage usage, @JsonProperty("prompt_token_ids") int[] promptTokenIds, AresInfo ares) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatMessageOut(String role, String content, @JsonProperty("reasoning_content") String reasoningContent) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatChoice(int index, ChatMessageOut message, @JsonProperty("finish_reason") String finishReason,
                             @JsonProperty("token_ids") int[] tokenIds, AresChoiceInfo ares) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatResponse(String id, String object, long created, String model, List<ChatChoice> choices,
                               Usage usage, @JsonProperty("prompt_token_ids") int[] promptTokenIds, AresInfo ares) {
    }

    public record ModelCard(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }

    public record ModelList(String object, List<ModelCard> data) {
    }
}
