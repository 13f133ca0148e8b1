package dev.ares.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ResponseSampler} over a running inference service: one {@code POST /v1/chat/completions} per
 * problem with {@code n = k}, the seed, the temperature and {@code return_token_ids}. In: the service's base URL
 * and model id. Out: per choice the full response text (the {@code reasoning_content} re-wrapped in its
 * {@code <think>} tags followed by the content, i.e. what the model generated) and the number of generated tokens.
 * The policy version the service reported last is kept for the caller.
 */
public final class HttpChatSampler implements ResponseSampler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final String model;
    private final double temperature;
    private final int maxTokens;
    private final Duration timeout;
    private volatile long lastPolicyVersion = -1;

    /**
     * @param baseUrl     e.g. {@code http://127.0.0.1:8080}
     * @param model       the served model id ({@code GET /v1/models})
     * @param temperature 0 for greedy
     * @param maxTokens   response budget per choice
     * @param timeout     per-request timeout
     */
    public HttpChatSampler(String baseUrl, String model, double temperature, int maxTokens, Duration timeout) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        this.endpoint = URI.create(baseUrl + "/v1/chat/completions");
        this.model = model;
        this.temperature = temperature;
        this.maxTokens = maxTokens;
        this.timeout = timeout;
    }

    /** The {@code ares.policy_version} of the last response, -1 before the first. */
    public long lastPolicyVersion() {
        return lastPolicyVersion;
    }

    @Override
    public List<Response> sample(String userText, int k, long seed) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", userText);
        body.put("n", k);
        body.put("seed", seed);
        body.put("temperature", temperature);
        body.put("max_tokens", maxTokens);
        body.put("return_token_ids", true);
        JsonNode reply = post(body);
        JsonNode choices = reply.path("choices");
        List<Response> out = new ArrayList<>(k);
        for (JsonNode c : choices) {
            JsonNode msg = c.path("message");
            String reasoning = msg.path("reasoning_content").asText("");
            String content = msg.path("content").asText("");
            String text = reasoning.isEmpty() ? content : "<think>" + reasoning + "</think>" + content;
            int tokens = c.has("token_ids") ? c.get("token_ids").size() : -1;
            if (tokens < 0) {
                throw new IllegalStateException("the inference service did not return token_ids for return_token_ids=true");
            }
            out.add(new Response(text, tokens));
        }
        lastPolicyVersion = reply.path("ares").path("policy_version").asLong(-1);
        return out;
    }

    private JsonNode post(ObjectNode body) {
        try {
            HttpRequest req = HttpRequest.newBuilder(endpoint).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("POST " + endpoint + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("POST " + endpoint + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + endpoint, e);
        }
    }
}
