package dev.ares.inference;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.engine.PolicyHolder;
import dev.ares.testkit.LocalKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chat completions with {@code image_url} parts on a Qwen2.5-VL model (issue 8 item 4, docs/inference.md "Images"):
 * a PNG data URL is answered 200 and the greedy answer is the one the model-level multimodal generator gives for the
 * same text and image (the path of {@code ./ares generate --image}); text requests still work; a broken data URL, a
 * part that is no image, and more images than {@code ares.inference.images.max-per-request} are 400s naming the part.
 */
@QuarkusTest
@TestProfile(VisionModelProfile.class)
@WithTestResource(LocalKafkaResource.class)
class VisionChatTest {
    private static final String TEXT = "describe the picture";

    @BeforeEach
    void ready() throws InterruptedException {
        Support.awaitReady();
    }

    private static String dataUrl(Path png) throws Exception {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png));
    }

    private static String body(int maxTokens, String... urls) {
        StringBuilder parts = new StringBuilder();
        for (String u : urls) {
            parts.append("{\"type\":\"image_url\",\"image_url\":{\"url\":\"").append(u).append("\"}},");
        }
        return "{\"messages\":[{\"role\":\"user\",\"content\":[" + parts + "{\"type\":\"text\",\"text\":\"" + TEXT
                + "\"}]}],\"max_tokens\":" + maxTokens + ",\"temperature\":0,\"return_token_ids\":true}";
    }

    @Test
    void aPngDataUrlIsAnsweredWithTheModelLevelGreedyTokens() throws Exception {
        Path png = VisionModelProfile.fixture().resolve("aligned.png");
        JsonNode r = Support.parse(given().contentType(ContentType.JSON).body(body(10, dataUrl(png)))
                .post("/v1/chat/completions").then().statusCode(200).extract().asString());
        int[] served = StreamSupport.stream(r.at("/choices/0/token_ids").spliterator(), false).mapToInt(JsonNode::asInt)
                .toArray();
        int[] expected;
        try (PolicyHolder h = new PolicyHolder(RealModelProfile.checkpoints(), DeviceSpec.cpu(),
                TriggerVocabulary.loadDefault())) {
            h.loadFolder(VisionModelProfile.fixture());
            expected = h.withPolicy(p -> p.sampleWithImages(TEXT, List.of(readAll(png)),
                    new SamplingParams(1.0, 1.0, 1, 10, 0, List.of()), 1, 0).get(0).ids());
        }
        assertEquals(10, expected.length, "the tiny model does not stop within 10 greedy tokens");
        assertArrayEquals(expected, served);
        // the prompt holds the image's 20 pad tokens (aligned.png is 140 x 112: grid 1 x 8 x 10, merged 4 x 5)
        assertEquals(20 + 2, r.at("/usage/prompt_tokens").asInt() - textOnlyPromptTokens());
    }

    /** Prompt tokens of the same chat without the image (the image adds its vision start, 20 pads and vision end). */
    private static int textOnlyPromptTokens() {
        String text = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + TEXT + "\"}],\"max_tokens\":1}";
        return Support.parse(given().contentType(ContentType.JSON).body(text).post("/v1/chat/completions").then()
                .statusCode(200).extract().asString()).at("/usage/prompt_tokens").asInt();
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void brokenImagesAndTooManyImagesAreRefusedNamingThePart() throws Exception {
        given().contentType(ContentType.JSON).body(body(2, "data:image/png;base64"))
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("messages[0].content[0].image_url"))
                .body("error.message", containsString("not a valid data URL"));
        String notImage = "data:image/png;base64," + Base64.getEncoder().encodeToString("hello".getBytes());
        given().contentType(ContentType.JSON).body(body(2, dataUrl(VisionModelProfile.fixture().resolve("aligned.png")),
                        notImage)).post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("messages[0].content[1].image_url"))
                .body("error.message", containsString("not an image"));
        String ok = dataUrl(VisionModelProfile.fixture().resolve("aligned.png"));
        given().contentType(ContentType.JSON).body(body(2, ok, ok, ok)).post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("messages[0].content[2]"))
                .body("error.message", containsString("at most 2"));
    }
}
