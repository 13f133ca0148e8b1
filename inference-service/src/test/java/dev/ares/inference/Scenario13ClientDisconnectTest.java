package dev.ares.inference;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.testkit.LocalKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 13: a client that closes its socket after 3 chunks cancels its generation. The batch is
 * full (the stream has n = 8 = maxBatch) so a second request waits; after the close the running gauge drops, the
 * tokens sampled after the cancel stay within one decode step (8 rows), the generation stopped before max_tokens,
 * and the waiting request gets the slot and a 200.
 */
@QuarkusTest
@TestProfile(RealModelProfile.class)
@WithTestResource(LocalKafkaResource.class)
class Scenario13ClientDisconnectTest {
    @TestHTTPResource("/")
    URI base;

    @Test
    void disconnectCancelsWithinOneStepAndFreesTheSlot() throws Exception {
        Support.awaitReady();
        Support.awaitMetric("ares_inference_batch_running", 0);
        double generatedBefore = Support.metric("ares_inference_generated_tokens", null);
        double discardedBefore = Support.metric("ares_inference_discarded_tokens", null);
        String body = "{\"prompt\":\"a long story\",\"max_tokens\":64,\"temperature\":1.0,\"seed\":7,\"n\":8,\"stream\":true}";
        CompletableFuture<Integer> queued;
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = s.getOutputStream();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            assertTrue(status.contains(" 200 "), status);
            queued = CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                    .body("{\"prompt\":\"next\",\"max_tokens\":4}").post("/v1/completions").statusCode());
            int chunks = 0;
            String line;
            while (chunks < 3 && (line = in.readLine()) != null) {
                if (line.contains("data: {")) {
                    chunks++;
                }
            }
            assertEquals(3, chunks);
        }
        Support.awaitMetric("ares_inference_batch_running", 0);
        assertEquals(200, queued.get(60, TimeUnit.SECONDS), "the waiting request got the freed slot");
        double generated = Support.metric("ares_inference_generated_tokens", null) - generatedBefore;
        double discarded = Support.metric("ares_inference_discarded_tokens", null) - discardedBefore;
        assertTrue(discarded <= 8, "tokens sampled after the cancel: " + discarded);
        assertTrue(generated < 8 * 64 + 4, "the stream was cancelled before max_tokens: " + generated + " tokens");
    }
}
