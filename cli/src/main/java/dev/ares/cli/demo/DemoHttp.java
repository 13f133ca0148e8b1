package dev.ares.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The two questions the demo asks the inference service over its public API: which model id it serves
 * ({@code GET /v1/models}) and whether it already answers with a given policy version (a one-token chat
 * completion, whose {@code ares.policy_version} says which checkpoint produced it).
 */
final class DemoHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DemoHttp() {
    }

    /** The id of the first model {@code GET /v1/models} lists. */
    static String servedModel(String baseUrl) {
        JsonNode models = get(baseUrl + "/v1/models");
        JsonNode first = models.path("data").path(0).path("id");
        if (first.isMissingNode() || first.asText().isBlank()) {
            throw new IllegalStateException(baseUrl + "/v1/models lists no model: " + models);
        }
        return first.asText();
    }

    /**
     * Waits until a chat completion reports {@code version} (the service hot-swaps to a new checkpoint after
     * verifying it, so the first answers may still come from the previous one).
     *
     * @throws IllegalStateException when it does not within {@code timeout}
     */
    static void awaitVersion(String baseUrl, String model, long version, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = -1;
        String last = "";
        while (System.nanoTime() < deadline) {
            String body = "{\"model\":" + JSON.valueToTree(model) + ",\"max_tokens\":1,\"temperature\":0,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"1+1\"}]}";
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200) {
                    seen = JSON.readTree(r.body()).path("ares").path("policy_version").asLong(-1);
                    if (seen == version) {
                        return;
                    }
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(1000);
        }
        throw new IllegalStateException("the inference service at " + baseUrl + " did not switch to v" + version + " within "
                + timeout.toSeconds() + " s (last version seen " + seen + "; last answer " + last + ")");
    }

    private static JsonNode get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
