package dev.ares.inference;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ares.core.protocol.Codecs;
import dev.ares.testkit.LocalKafkaResource;
import dev.ares.testkit.Records;
import dev.ares.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** inference-service REST and checkpoint handling, against the real local broker, with a test double model. */
@QuarkusTest
@WithTestResource(LocalKafkaResource.class)
class InferenceServiceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    FakeServingEngine engine;

    @Test
    void modelsListsTheServedModel() {
        given().get("/v1/models").then().statusCode(200).body("data[0].id", equalTo("ares-test"));
    }

    @Test
    void completionWithTokenIds() {
        given().contentType(ContentType.JSON)
                .body("{\"prompt\":[5,6,7,8],\"max_tokens\":3,\"temperature\":0,\"return_token_ids\":true,\"n\":2}")
                .post("/v1/completions").then().statusCode(200)
                .body("choices", hasSize(2))
                .body("choices[0].token_ids", equalTo(java.util.List.of(4, 5, 6)))
                .body("prompt_token_ids", equalTo(java.util.List.of(5, 6, 7, 8)))
                .body("usage.total_tokens", equalTo(10));
    }

    @Test
    void chatCompletion() {
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"ares-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":2}")
                .post("/v1/chat/completions").then().statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].message.reasoning_content", equalTo("hm"))
                .body("choices[0].message.content", equalTo("out0"))
                .body("choices[0].ares.think_tokens", equalTo(1))
                .body("choices[0].ares.hwe_count", equalTo(0));
    }

    @Test
    void badInputGetsOpenAiErrors() {
        given().contentType(ContentType.JSON).body("{\"model\":\"gpt-9\",\"prompt\":\"x\"}").post("/v1/completions")
                .then().statusCode(404).body("error.code", equalTo("model_not_found"));
        given().contentType(ContentType.JSON).body("{\"prompt\":\"x\",\"temperature\":-1}").post("/v1/completions")
                .then().statusCode(400).body("error.message", containsString("temperature"));
        given().contentType(ContentType.JSON).body("{\"prompt\":\"x\",\"top_p\":0}").post("/v1/completions")
                .then().statusCode(400).body("error.message", containsString("top_p"));
        given().contentType(ContentType.JSON).body("{\"messages\":[]}").post("/v1/chat/completions")
                .then().statusCode(400).body("error.message", containsString("messages"));
        given().contentType(ContentType.JSON).body("{\"prompt\": ").post("/v1/completions")
                .then().statusCode(400).body("error.type", equalTo("invalid_request_error"));
        given().contentType(ContentType.JSON).body("{\"prompt\":\"x\",\"n\":1000}").post("/v1/completions")
                .then().statusCode(400).body("error.message", containsString("'n'"));
    }

    @Test
    void checkpointEventsSwapTheVersionAndBadOnesAreDeadLettered() throws InterruptedException {
        long version = 5000 + (System.nanoTime() & 0xffff);
        String marker = "garbage-" + UUID.randomUUID();
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            probe.send("ares.checkpoints", "bad", marker.getBytes(StandardCharsets.UTF_8));
            probe.send("ares.checkpoints", "ares-demo", Codecs.checkpointEvent().encode(Records.checkpoint(version)));
            ConsumerRecord<String, byte[]> dead = probe.await("ares.checkpoints.dlq",
                    r -> new String(r.value(), StandardCharsets.UTF_8).equals(marker), Duration.ofSeconds(60));
            assertEquals("ares.checkpoints", TopicProbe.header(dead, "dead-letter-topic"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (engine.policyVersion() < version && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        given().contentType(ContentType.JSON).body("{\"prompt\":\"x\",\"max_tokens\":1}").post("/v1/completions")
                .then().statusCode(200).body("ares.policy_version", equalTo((int) version));
    }

    @Test
    void healthIsUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body(containsString("serving-engine"));
    }
}
