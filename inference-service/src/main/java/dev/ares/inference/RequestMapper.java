package dev.ares.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ares.core.compute.ServingEngine;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.SamplingParams;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates OpenAI request bodies and turns them into {@link ServingEngine.Request}s. Every rejection is a
 * {@link BadRequestException} naming the field ({@code param}) as vLLM's and OpenAI's errors do. Temperature 0 means
 * greedy decoding, expressed to the engine as top-k 1 at temperature 1. Limits follow docs/inference.md.
 */
final class RequestMapper {
    /** Most alternatives per token ({@code top_logprobs} / completions {@code logprobs}), as vLLM's default. */
    static final int MAX_TOP_LOGPROBS = 20;
    /** Most stop strings, as OpenAI's API. */
    static final int MAX_STOPS = 4;

    private final Limits limits;
    private final ImageInput images;
    private final String modelId;
    private final boolean acceptsImages;

    /**
     * A mapper for a text-only model: a valid image part is refused with a 400 that says so.
     *
     * @param images  reads and checks {@code image_url} parts
     * @param modelId the served model's id, named in errors
     */
    RequestMapper(Limits limits, ImageInput images, String modelId) {
        this(limits, images, modelId, false);
    }

    /**
     * @param images        reads and checks {@code image_url} parts
     * @param modelId       the served model's id, named in errors
     * @param acceptsImages whether the served model takes images ({@link ServingEngine#acceptsImages()}): then the
     *                      checked images go to the engine in message order ({@link ServingEngine.ImagePart}), at most
     *                      {@link Limits#maxImages()} per request; otherwise a valid image part is a 400
     */
    RequestMapper(Limits limits, ImageInput images, String modelId, boolean acceptsImages) {
        this.limits = limits;
        this.images = images;
        this.modelId = modelId;
        this.acceptsImages = acceptsImages;
    }

    /**
     * Server-side limits on a request.
     *
     * @param maxImages most {@code image_url} parts per chat request ({@code ares.inference.images.max-per-request})
     */
    record Limits(int maxTokens, int maxN, int defaultMaxTokens, int maxImages) {
        Limits {
            if (maxImages < 1) {
                throw new IllegalArgumentException("ares.inference.images.max-per-request must be >= 1, got " + maxImages);
            }
        }

        /** Limits with the default of {@value RequestMapper#DEFAULT_MAX_IMAGES} images per request. */
        Limits(int maxTokens, int maxN, int defaultMaxTokens) {
            this(maxTokens, maxN, defaultMaxTokens, DEFAULT_MAX_IMAGES);
        }
    }

    /** Default of {@code ares.inference.images.max-per-request}. */
    static final int DEFAULT_MAX_IMAGES = 4;

    /**
     * A validated request and how to answer it.
     *
     * @param logprobs whether per-token log-probabilities are returned
     */
    record Parsed(ServingEngine.Request request, boolean stream, boolean includeUsage, boolean returnTokenIds,
                  boolean logprobs) {
    }

    Parsed completion(ApiTypes.CompletionRequest r) {
        if (r == null) {
            throw new BadRequestException(null, "request body is required");
        }
        JsonNode p = r.prompt();
        if (p == null || p.isNull()) {
            throw new BadRequestException("prompt", "'prompt' is required");
        }
        SamplingParams sp = sampling(r.maxTokens(), "max_tokens", r.temperature(), r.topP(), r.topK(), r.seed(), r.stop());
        int n = n(r.n());
        Integer lp = r.logprobs();
        if (lp != null && (lp < 0 || lp > MAX_TOP_LOGPROBS)) {
            throw new BadRequestException("logprobs", "'logprobs' must be between 0 and " + MAX_TOP_LOGPROBS + ", got " + lp);
        }
        int top = lp == null ? 0 : lp;
        boolean stream = Boolean.TRUE.equals(r.stream());
        boolean usage = streamUsage(stream, r.streamOptions());
        boolean ids = Boolean.TRUE.equals(r.returnTokenIds());
        if (p.isTextual()) {
            if (p.asText().isEmpty()) {
                throw new BadRequestException("prompt", "'prompt' must not be empty");
            }
            return new Parsed(new ServingEngine.Request(null, p.asText(), null, sp, n, top, lp != null), stream, usage, ids, lp != null);
        }
        if (p.isArray() && p.size() == 1 && (p.get(0).isTextual() || p.get(0).isArray())) {
            ApiTypes.CompletionRequest one = new ApiTypes.CompletionRequest(r.model(), p.get(0), r.maxTokens(), r.temperature(),
                    r.topP(), r.topK(), r.seed(), r.stop(), r.n(), r.returnTokenIds(), r.logprobs(), r.stream(), r.streamOptions());
            return completion(one);
        }
        if (p.isArray() && p.size() > 0 && p.get(0).isIntegralNumber()) {
            int[] tokens = new int[p.size()];
            for (int i = 0; i < tokens.length; i++) {
                JsonNode t = p.get(i);
                if (!t.isIntegralNumber() || t.asLong() < 0 || t.asLong() > Integer.MAX_VALUE) {
                    throw new BadRequestException("prompt", "'prompt' token ids must be non-negative integers (index " + i + ")");
                }
                tokens[i] = t.asInt();
            }
            return new Parsed(new ServingEngine.Request(null, null, tokens, sp, n, top, lp != null), stream, usage, ids, lp != null);
        }
        if (p.isArray() && p.size() > 1) {
            throw new BadRequestException("prompt", "'prompt' as a list of several prompts is not supported; send one request per prompt");
        }
        throw new BadRequestException("prompt", "'prompt' must be a non-empty string or an array of token ids");
    }

    Parsed chat(ApiTypes.ChatRequest r) {
        if (r == null) {
            throw new BadRequestException(null, "request body is required");
        }
        if (r.messages() == null || r.messages().isEmpty()) {
            throw new BadRequestException("messages", "'messages' must be a non-empty array");
        }
        List<ChatMessage> msgs = new ArrayList<>();
        List<ServingEngine.ImagePart> imageParts = new ArrayList<>();
        for (int i = 0; i < r.messages().size(); i++) {
            ApiTypes.Message m = r.messages().get(i);
            String role = m == null ? null : "developer".equals(m.role()) ? "system" : m.role();
            if (role == null || !List.of("system", "user", "assistant").contains(role)) {
                throw new BadRequestException("messages[" + i + "].role",
                        "'messages[" + i + "].role' must be system, developer, user or assistant");
            }
            msgs.add(new ChatMessage(role, text(m.content(), i, imageParts)));
        }
        Integer max = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
        String maxParam = r.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens";
        SamplingParams sp = sampling(max, maxParam, r.temperature(), r.topP(), r.topK(), r.seed(), r.stop());
        boolean lp = Boolean.TRUE.equals(r.logprobs());
        Integer top = r.topLogprobs();
        if (top != null) {
            if (top < 0 || top > MAX_TOP_LOGPROBS) {
                throw new BadRequestException("top_logprobs", "'top_logprobs' must be between 0 and " + MAX_TOP_LOGPROBS + ", got " + top);
            }
            if (!lp && top > 0) {
                throw new BadRequestException("top_logprobs", "'top_logprobs' needs 'logprobs' set to true");
            }
        }
        boolean stream = Boolean.TRUE.equals(r.stream());
        return new Parsed(new ServingEngine.Request(msgs, null, null, sp, n(r.n()), top == null ? 0 : top, lp, imageParts), stream,
                streamUsage(stream, r.streamOptions()), Boolean.TRUE.equals(r.returnTokenIds()), lp);
    }

    private static boolean streamUsage(boolean stream, ApiTypes.StreamOptions o) {
        if (o != null && !stream) {
            throw new BadRequestException("stream_options", "'stream_options' is only allowed with 'stream': true");
        }
        return o != null && Boolean.TRUE.equals(o.includeUsage());
    }

    /** Message {@code i}'s text parts concatenated; its image parts are added to {@code imageParts} at their offsets. */
    private String text(JsonNode content, int i, List<ServingEngine.ImagePart> imageParts) {
        String where = "messages[" + i + "].content";
        if (content == null || content.isNull()) {
            throw new BadRequestException(where, "'" + where + "' is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                String at = where + "[" + j + "]";
                String type = part.path("type").asText("");
                switch (type) {
                    case "text" -> {
                        if (!part.path("text").isTextual()) {
                            throw new BadRequestException(at + ".text", "'" + at + ".text' must be a string");
                        }
                        sb.append(part.path("text").asText());
                    }
                    case "image_url" -> {
                        JsonNode u = part.path("image_url");
                        String url = u.isTextual() ? u.asText() : u.path("url").isTextual() ? u.path("url").asText() : null;
                        if (!acceptsImages) {
                            images.read(url, at + ".image_url");
                            throw new BadRequestException(at, "model '" + modelId + "' accepts text only: image parts need a"
                                    + " vision-language model (Qwen2.5-VL)");
                        }
                        if (imageParts.size() >= limits.maxImages()) {
                            throw new BadRequestException(at, "'" + at + "' is image " + (imageParts.size() + 1)
                                    + " of the request; at most " + limits.maxImages()
                                    + " are accepted (ares.inference.images.max-per-request)");
                        }
                        imageParts.add(new ServingEngine.ImagePart(i, sb.length(), images.checkedBytes(url, at + ".image_url")));
                    }
                    default -> throw new BadRequestException(at + ".type", "'" + at + ".type' must be 'text' or 'image_url', got '"
                            + type + "'");
                }
            }
            return sb.toString();
        }
        throw new BadRequestException(where, "'" + where + "' must be a string or an array of parts");
    }

    private int n(Integer n) {
        int v = n == null ? 1 : n;
        if (v < 1 || v > limits.maxN()) {
            throw new BadRequestException("n", "'n' must be between 1 and " + limits.maxN() + ", got " + v);
        }
        return v;
    }

    private SamplingParams sampling(Integer maxTokens, String maxParam, Double temperature, Double topP, Integer topK, Long seed,
                                    JsonNode stop) {
        int max = maxTokens == null ? Math.min(limits.defaultMaxTokens(), limits.maxTokens()) : maxTokens;
        if (max < 1 || max > limits.maxTokens()) {
            throw new BadRequestException(maxParam, "'" + maxParam + "' must be between 1 and " + limits.maxTokens() + ", got " + max);
        }
        double t = temperature == null ? 1.0 : temperature;
        if (!(t >= 0 && t <= 2)) {
            throw new BadRequestException("temperature", "'temperature' must be between 0 and 2, got " + t);
        }
        double p = topP == null ? 1.0 : topP;
        if (!(p > 0 && p <= 1)) {
            throw new BadRequestException("top_p", "'top_p' must be in (0, 1], got " + p);
        }
        int k = topK == null || topK == -1 ? 0 : topK;
        if (k < 0) {
            throw new BadRequestException("top_k", "'top_k' must be -1, 0 or positive, got " + k);
        }
        List<String> stops = new ArrayList<>();
        if (stop != null && !stop.isNull()) {
            if (stop.isTextual()) {
                stops.add(stop.asText());
            } else if (stop.isArray() && stop.size() <= MAX_STOPS) {
                for (JsonNode s : stop) {
                    if (!s.isTextual()) {
                        throw new BadRequestException("stop", "'stop' entries must be strings");
                    }
                    stops.add(s.asText());
                }
            } else {
                throw new BadRequestException("stop", "'stop' must be a string or an array of at most " + MAX_STOPS + " strings");
            }
            if (stops.stream().anyMatch(String::isEmpty)) {
                throw new BadRequestException("stop", "'stop' strings must not be empty");
            }
        }
        long s = seed == null ? System.nanoTime() : seed;
        return t == 0 ? new SamplingParams(1.0, 1.0, 1, max, s, stops) : new SamplingParams(t, p, k, max, s, stops);
    }
}
