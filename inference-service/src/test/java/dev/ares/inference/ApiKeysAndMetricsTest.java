package dev.ares.inference;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ares.testkit.LocalKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 deliverable 3 on the qwen2-tiny fixture: with {@code ares.inference.api-keys} set, {@code /v1} needs
 * {@code Authorization: Bearer <key>} (401 {@code invalid_api_key} otherwise) while health and metrics stay open; one
 * served request moves the request, token, time-to-first-token and inter-token-latency meters by exactly what its
 * response reports, and the queue and batch gauges are exported.
 */
@QuarkusTest
@TestProfile(ApiKeysAndMetricsTest.KeysProfile.class)
@WithTestResource(LocalKafkaResource.class)
class ApiKeysAndMetricsTest {
    /** The real-model profile with two API keys. */
    public static class KeysProfile extends RealModelProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("ares.inference.api-keys", "key-one,key-two");
            return m;
        }
    }

    private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"Count: one two three\"}],"
            + "\"max_tokens\":6,\"temperature\":0}";

    private static void awaitReadyWithKey() throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (given().header("Authorization", "Bearer key-one").get("/v1/models").statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the fixture model did not load within 120 s");
    }

    @Test
    void v1NeedsAKeyWhileHealthAndMetricsStayOpen() throws InterruptedException {
        awaitReadyWithKey();
        given().get("/v1/models").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .body("error.code", equalTo("invalid_api_key")).body("error.message", containsString("Missing API key"));
        given().header("Authorization", "Bearer key-three").contentType(ContentType.JSON).body(BODY).post("/v1/chat/completions")
                .then().statusCode(401).body("error.code", equalTo("invalid_api_key"))
                .body("error.message", containsString("Incorrect API key"));
        given().header("Authorization", "Basic a2V5LW9uZQ==").get("/v1/models").then().statusCode(401);
        given().header("Authorization", "Bearer key-two").get("/v1/models").then().statusCode(200)
                .body("data[0].id", equalTo("qwen2-tiny"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("ares_inference_requests_total"));
    }

    @Test
    void oneRequestMovesEveryMeterByWhatItsResponseReports() throws InterruptedException {
        awaitReadyWithKey();
        double requests = Support.metric("ares_inference_requests_total", "status=\"200\"");
        double promptTokens = Support.metric("ares_inference_prompt_tokens_total", null);
        double completionTokens = Support.metric("ares_inference_completion_tokens_total", null);
        double ttft = Support.metric("ares_inference_time_to_first_token_seconds_count", null);
        double itl = Support.metric("ares_inference_inter_token_latency_seconds_count", null);
        JsonNode r = Support.parse(given().header("Authorization", "Bearer key-one").contentType(ContentType.JSON).body(BODY)
                .post("/v1/chat/completions").then().statusCode(200).extract().asString());
        int prompt = r.at("/usage/prompt_tokens").asInt();
        int completion = r.at("/usage/completion_tokens").asInt();
        assertTrue(prompt > 0 && completion > 0, r.toString());
        assertEquals(requests + 1, Support.metric("ares_inference_requests_total", "status=\"200\""));
        assertEquals(promptTokens + prompt, Support.metric("ares_inference_prompt_tokens_total", null));
        assertEquals(completionTokens + completion, Support.metric("ares_inference_completion_tokens_total", null));
        assertEquals(ttft + 1, Support.metric("ares_inference_time_to_first_token_seconds_count", null));
        assertEquals(itl + completion - 1, Support.metric("ares_inference_inter_token_latency_seconds_count", null));
        Support.awaitMetric("ares_inference_batch_running", 0);
        Support.awaitMetric("ares_inference_queue_waiting", 0);
        String text = given().get("/q/metrics").asString();
        for (String gauge : new String[] {"ares_inference_batch_running", "ares_inference_queue_waiting"}) {
            assertTrue(text.contains("\n" + gauge + " ") || text.contains("\n" + gauge + "{"), gauge + " is not exported");
        }
    }
}
