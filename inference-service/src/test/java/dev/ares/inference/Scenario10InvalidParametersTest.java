package dev.ares.inference;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.ares.testkit.LocalKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 10: each invalid parameter gets 400 naming it, an unknown model 404, an oversized body 413,
 * a non-JSON body 400, all with the OpenAI {@code {"error": {...}}} body and no 5xx; image parts are checked.
 */
@QuarkusTest
@TestProfile(RealModelProfile.class)
@WithTestResource(LocalKafkaResource.class)
class Scenario10InvalidParametersTest {
    private static final String MSG = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @BeforeEach
    void ready() throws InterruptedException {
        Support.awaitReady();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"temperature\":-1 | temperature",
            "\"top_p\":0 | top_p",
            "\"top_p\":1.5 | top_p",
            "\"n\":0 | n",
            "\"top_k\":-2 | top_k",
            "\"max_completion_tokens\":0 | max_completion_tokens",
            "\"max_tokens\":100000 | max_tokens",
            "\"top_logprobs\":5 | top_logprobs",
            "\"logprobs\":true,\"top_logprobs\":21 | top_logprobs",
            "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"] | stop",
            "\"stop\":[\"\"] | stop",
            "\"stream_options\":{\"include_usage\":true} | stream_options"})
    void chatParameterIsNamed(String field, String param) {
        given().contentType(ContentType.JSON).body("{" + MSG + "," + field + "}").post("/v1/chat/completions")
                .then().statusCode(400).body("error.param", equalTo(param)).body("error.type", equalTo("invalid_request_error"))
                .body("error.message", notNullValue());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"prompt\":\"x\",\"logprobs\":21 | logprobs",
            "\"prompt\":[] | prompt",
            "\"prompt\":[1,-3] | prompt",
            "\"prompt\":\"\" | prompt",
            "\"prompt\":\"x\",\"n\":17 | n"})
    void completionParameterIsNamed(String field, String param) {
        given().contentType(ContentType.JSON).body("{" + field + "}").post("/v1/completions")
                .then().statusCode(400).body("error.param", equalTo(param));
    }

    @Test
    void unknownModelOversizedBodyAndNonJson() {
        given().contentType(ContentType.JSON).body("{\"model\":\"gpt-9\"," + MSG + "}").post("/v1/chat/completions")
                .then().statusCode(404).body("error.code", equalTo("model_not_found")).body("error.param", equalTo("model"));
        String big = "{\"prompt\":\"" + "a".repeat(70_000) + "\"}";
        given().contentType(ContentType.JSON).body(big).post("/v1/completions")
                .then().statusCode(413).body("error.type", equalTo("invalid_request_error"));
        given().contentType(ContentType.JSON).body("this is not json").post("/v1/chat/completions")
                .then().statusCode(400).body("error.type", equalTo("invalid_request_error"));
        given().contentType(ContentType.JSON).body("{\"messages\":\"hi\"}").post("/v1/chat/completions")
                .then().statusCode(400).body("error", notNullValue());
        given().contentType(ContentType.JSON).body("{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}")
                .post("/v1/chat/completions").then().statusCode(400).body("error.param", equalTo("messages[0].role"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"messages\":[]} | messages",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{}}]}]} | messages[0].content[0].type",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"hot\"} | temperature"})
    void emptyMessagesUnknownPartTypesAndWrongTypes(String body, String param) {
        given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions")
                .then().statusCode(400).body("error.type", equalTo("invalid_request_error")).body("error.param", equalTo(param))
                .body("error.message", notNullValue());
    }

    private static String imageBody(String url) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is it?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"}}]}]}";
    }

    @Test
    void imagePartsAreCheckedAndRefusedOnATextModel() throws Exception {
        byte[] png = java.nio.file.Files.readAllBytes(RealModelProfile.fixture().resolve("../qwen2_5_vl-tiny/aligned.png").normalize());
        String ok = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        given().contentType(ContentType.JSON).body(imageBody(ok)).post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("messages[0].content[1]"))
                .body("error.message", org.hamcrest.Matchers.containsString("accepts text only"));
        given().contentType(ContentType.JSON).body(imageBody("https://example.com/cat.png")).post("/v1/chat/completions")
                .then().statusCode(400).body("error.message", org.hamcrest.Matchers.containsString("remote image URLs are disabled"));
        String notImage = "data:image/png;base64," + Base64.getEncoder().encodeToString("hello".getBytes());
        given().contentType(ContentType.JSON).body(imageBody(notImage)).post("/v1/chat/completions")
                .then().statusCode(400).body("error.message", org.hamcrest.Matchers.containsString("not an image"));
        String bomb = "data:image/png;base64," + Base64.getEncoder().encodeToString(ImageBombs.png(50_000, 50_000));
        given().contentType(ContentType.JSON).body(imageBody(bomb)).post("/v1/chat/completions")
                .then().statusCode(400).body("error.message", org.hamcrest.Matchers.containsString("2500000000 pixels"));
    }
}
