package dev.ares.inference;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ares.testkit.LocalKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 9: a prompt of context+1 tokens, and a prompt plus max tokens over the context, get 400
 * {@code context_length_exceeded} naming the prompt field; the model is never invoked (admitted counter unchanged).
 * qwen2-tiny's context (max_position_embeddings) is 1024.
 */
@QuarkusTest
@TestProfile(RealModelProfile.class)
@WithTestResource(LocalKafkaResource.class)
class Scenario09OversizedPromptTest {
    static final int CONTEXT = 1024;

    @BeforeEach
    void ready() throws InterruptedException {
        Support.awaitReady();
    }

    private static String ids(int count) {
        return IntStream.range(0, count).mapToObj(i -> Integer.toString(10 + i % 300)).collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void promptOverTheContextIsRefusedBeforeTheModel() {
        double admitted = Support.metric("ares_inference_admitted", null);
        given().contentType(ContentType.JSON).body("{\"prompt\":" + ids(CONTEXT + 1) + ",\"max_tokens\":1}")
                .post("/v1/completions").then().statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.param", equalTo("prompt"))
                .body("error.message", containsString("1024"));
        given().contentType(ContentType.JSON).body("{\"prompt\":" + ids(CONTEXT - 10) + ",\"max_tokens\":11}")
                .post("/v1/completions").then().statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"));
        String longText = "word ".repeat(CONTEXT);
        given().contentType(ContentType.JSON)
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"" + longText + "\"}],\"max_completion_tokens\":8}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.param", equalTo("messages"));
        assertEquals(admitted, Support.metric("ares_inference_admitted", null), "the model was invoked");
        // just inside the context is served
        given().contentType(ContentType.JSON).body("{\"prompt\":" + ids(CONTEXT - 10) + ",\"max_tokens\":10,\"temperature\":0}")
                .post("/v1/completions").then().statusCode(200).body("usage.prompt_tokens", equalTo(CONTEXT - 10));
        assertEquals(admitted + 1, Support.metric("ares_inference_admitted", null));
    }
}
