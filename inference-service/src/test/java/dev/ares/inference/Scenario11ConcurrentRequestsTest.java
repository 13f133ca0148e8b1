package dev.ares.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ares.testkit.LocalKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 11: 200 clients at once on loopback against maxBatch 8, maxQueue 32 and a 2 s queue wait
 * (RealModelProfile), 16 tokens each. Every answer is 200, 429 or 503 (with Retry-After), each 200 body is valid and
 * its usage matches its token ids, the running gauge never exceeds 8, and both gauges return to 0.
 */
@QuarkusTest
@TestProfile(RealModelProfile.class)
@WithTestResource(LocalKafkaResource.class)
class Scenario11ConcurrentRequestsTest {
    @TestHTTPResource("/")
    URI base;

    @Test
    void twoHundredClientsAreServedOrRejectedNeverFailed() throws Exception {
        Support.awaitReady();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger maxRunning = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                maxRunning.accumulateAndGet((int) Support.metric("ares_inference_batch_running", null), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String body = "{\"prompt\":\"client " + i + " says\",\"max_tokens\":16,\"temperature\":0.7,\"seed\":" + i
                    + ",\"return_token_ids\":true}";
            calls.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("v1/completions")).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(calls.toArray(new CompletableFuture[0])).get(180, TimeUnit.SECONDS);
        sampling.set(false);
        sampler.join();
        int ok = 0;
        int rejected = 0;
        for (CompletableFuture<HttpResponse<String>> f : calls) {
            HttpResponse<String> r = f.get();
            int s = r.statusCode();
            assertTrue(s == 200 || s == 429 || s == 503, "status " + s + ": " + r.body());
            JsonNode body = Support.parse(r.body());
            if (s == 200) {
                ok++;
                JsonNode choice = body.at("/choices/0");
                assertEquals(choice.get("token_ids").size(), body.at("/usage/completion_tokens").asInt());
                assertEquals(body.at("/usage/prompt_tokens").asInt() + body.at("/usage/completion_tokens").asInt(),
                        body.at("/usage/total_tokens").asInt());
                assertTrue(choice.get("token_ids").size() >= 1 && choice.get("token_ids").size() <= 16);
                assertNotNull(choice.get("text"));
            } else {
                rejected++;
                assertTrue(r.headers().firstValue("Retry-After").isPresent(), "Retry-After on " + s);
                assertNotNull(body.at("/error/message").asText(null), "OpenAI error body");
            }
        }
        System.out.printf("scenario 11: %d served, %d rejected, max running %d%n", ok, rejected, maxRunning.get());
        assertTrue(ok >= 8, "at least one full batch was served, got " + ok);
        assertTrue(maxRunning.get() <= 8, "running gauge reached " + maxRunning.get());
        Support.awaitMetric("ares_inference_batch_running", 0);
        Support.awaitMetric("ares_inference_queue_waiting", 0);
    }
}
