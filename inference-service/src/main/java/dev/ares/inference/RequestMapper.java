package dev.ares.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ares.core.compute.ServingEngine;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.SamplingParams;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates OpenAI request bodies and turns them into {@link ServingEngine.Request}s. Every rejection is an
 * {@link IllegalArgumentException} whose message names the field (mapped to a 400 error body).
 * Temperature 0 means greedy decoding, expressed to the engine as top-k 1 at temperature 1.
 */
final class RequestMapper {
    private final Limits limits;

    RequestMapper(Limits limits) {
        this.limits = limits;
    }

    /** Server-side limits on a request. */
    record Limits(int maxTokens, int maxN, int defaultMaxTokens) {
    }

    ServingEngine.Request completion(ApiTypes.CompletionRequest r) {
        if (r == null) {
            throw new IllegalArgumentException("request body is required");
        }
        JsonNode p = r.prompt();
        if (p == null || p.isNull()) {
            throw new IllegalArgumentException("'prompt' is required");
        }
        SamplingParams sp = sampling(r.maxTokens(), r.temperature(), r.topP(), r.topK(), r.seed(), r.stop());
        int n = n(r.n());
        if (p.isTextual()) {
            if (p.asText().isEmpty()) {
                throw new IllegalArgumentException("'prompt' must not be empty");
            }
            return new ServingEngine.Request(null, p.asText(), null, sp, n, 0);
        }
        if (p.isArray() && p.size() > 0 && p.get(0).isIntegralNumber()) {
            int[] ids = new int[p.size()];
            for (int i = 0; i < ids.length; i++) {
                if (!p.get(i).isIntegralNumber() || p.get(i).asLong() < 0 || p.get(i).asLong() > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("'prompt' token ids must be non-negative integers (index " + i + ")");
                }
                ids[i] = p.get(i).asInt();
            }
            return new ServingEngine.Request(null, null, ids, sp, n, 0);
        }
        throw new IllegalArgumentException("'prompt' must be a non-empty string or an array of token ids");
    }

    ServingEngine.Request chat(ApiTypes.ChatRequest r) {
        if (r == null) {
            throw new IllegalArgumentException("request body is required");
        }
        if (r.messages() == null || r.messages().isEmpty()) {
            throw new IllegalArgumentException("'messages' must be a non-empty array");
        }
        List<ChatMessage> msgs = new ArrayList<>();
        for (int i = 0; i < r.messages().size(); i++) {
            ApiTypes.Message m = r.messages().get(i);
            if (m == null || m.role() == null || !List.of("system", "user", "assistant").contains(m.role())) {
                throw new IllegalArgumentException("'messages[" + i + "].role' must be system, user or assistant");
            }
            msgs.add(new ChatMessage(m.role(), text(m.content(), i)));
        }
        Integer max = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
        return new ServingEngine.Request(msgs, null, null, sampling(max, r.temperature(), r.topP(), r.topK(), r.seed(), r.stop()), n(r.n()), 0);
    }

    private static String text(JsonNode content, int i) {
        if (content == null || content.isNull()) {
            throw new IllegalArgumentException("'messages[" + i + "].content' is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                if (!type.equals("text")) {
                    throw new IllegalArgumentException("'messages[" + i + "].content' part of type '" + type + "' is not supported by this model");
                }
                sb.append(part.path("text").asText(""));
            }
            return sb.toString();
        }
        throw new IllegalArgumentException("'messages[" + i + "].content' must be a string or an array of parts");
    }

    private int n(Integer n) {
        int v = n == null ? 1 : n;
        if (v < 1 || v > limits.maxN()) {
            throw new IllegalArgumentException("'n' must be between 1 and " + limits.maxN() + ", got " + v);
        }
        return v;
    }

    private SamplingParams sampling(Integer maxTokens, Double temperature, Double topP, Integer topK, Long seed, JsonNode stop) {
        int max = maxTokens == null ? limits.defaultMaxTokens() : maxTokens;
        if (max < 1 || max > limits.maxTokens()) {
            throw new IllegalArgumentException("'max_tokens' must be between 1 and " + limits.maxTokens() + ", got " + max);
        }
        double t = temperature == null ? 1.0 : temperature;
        if (!(t >= 0 && t <= 2)) {
            throw new IllegalArgumentException("'temperature' must be between 0 and 2, got " + t);
        }
        double p = topP == null ? 1.0 : topP;
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("'top_p' must be in (0, 1], got " + p);
        }
        int k = topK == null || topK == -1 ? 0 : topK;
        if (k < 0) {
            throw new IllegalArgumentException("'top_k' must be -1, 0 or positive, got " + k);
        }
        List<String> stops = new ArrayList<>();
        if (stop != null && !stop.isNull()) {
            if (stop.isTextual()) {
                stops.add(stop.asText());
            } else if (stop.isArray() && stop.size() <= 4) {
                stop.forEach(s -> stops.add(s.asText()));
            } else {
                throw new IllegalArgumentException("'stop' must be a string or an array of at most 4 strings");
            }
            if (stops.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("'stop' strings must not be empty");
            }
        }
        long s = seed == null ? System.nanoTime() : seed;
        return t == 0 ? new SamplingParams(1.0, 1.0, 1, max, s, stops) : new SamplingParams(t, p, k, max, s, stops);
    }
}
