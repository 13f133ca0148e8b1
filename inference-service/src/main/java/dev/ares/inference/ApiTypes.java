package dev.ares.inference;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Request bodies of the OpenAI-compatible API, with the fields this server honours (docs/inference.md lists them;
 * other fields are ignored as vLLM ignores them). Responses are in {@link ApiResponses}.
 */
public final class ApiTypes {
    private ApiTypes() {
    }

    /**
     * {@code POST /v1/completions}: {@code prompt} is a string or an array of token ids; {@code logprobs} is the
     * number of alternatives per token (0 to 20, or absent for none).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CompletionRequest(String model, JsonNode prompt, @JsonProperty("max_tokens") Integer maxTokens,
                                    Double temperature, @JsonProperty("top_p") Double topP, @JsonProperty("top_k") Integer topK,
                                    Long seed, JsonNode stop, Integer n,
                                    @JsonProperty("return_token_ids") Boolean returnTokenIds,
                                    Integer logprobs, Boolean stream,
                                    @JsonProperty("stream_options") StreamOptions streamOptions) {
    }

    /**
     * {@code POST /v1/chat/completions}: {@code logprobs} is a flag and {@code top_logprobs} the alternatives per
     * token (0 to 20, only with {@code logprobs}).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ChatRequest(String model, List<Message> messages, @JsonProperty("max_tokens") Integer maxTokens,
                              @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
                              Double temperature, @JsonProperty("top_p") Double topP, @JsonProperty("top_k") Integer topK,
                              Long seed, JsonNode stop, Integer n,
                              @JsonProperty("return_token_ids") Boolean returnTokenIds,
                              Boolean logprobs, @JsonProperty("top_logprobs") Integer topLogprobs, Boolean stream,
                              @JsonProperty("stream_options") StreamOptions streamOptions) {
    }

    /** A chat message; {@code content} is a string or an array of {@code text} and {@code image_url} parts. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String role, JsonNode content) {
    }

    /** {@code stream_options}: {@code include_usage} adds one final chunk with {@code choices: []} and the usage. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
    }
}
