package dev.ares.inference;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ares.model.weights.SafetensorsFile;
import dev.ares.testkit.LocalKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * reliability.md scenario 12 (streaming contract) on the qwen2-tiny fixture, and the acceptance check: the
 * fixture's greedy ids through {@code /v1/completions} with {@code return_token_ids}.
 */
@QuarkusTest
@TestProfile(RealModelProfile.class)
@WithTestResource(LocalKafkaResource.class)
class Scenario12StreamingContractTest {

    @BeforeEach
    void ready() throws InterruptedException {
        Support.awaitReady();
    }

    @Test
    void greedyCompletionOfTheFixtureRow() throws Exception {
        long[] input;
        long[] greedy;
        try (SafetensorsFile f = SafetensorsFile.open(RealModelProfile.fixture().resolve("expected.safetensors"));
             ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            input = Arrays.copyOf(f.load("input_ids", m, null).toLongArray(), 17);
            greedy = Arrays.copyOfRange(f.load("greedy_ids", m, null).toLongArray(), 17, 41);
        }
        String prompt = Arrays.stream(input).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
        JsonNode r = Support.parse(given().contentType(ContentType.JSON)
                .body("{\"prompt\":" + prompt + ",\"max_tokens\":24,\"temperature\":0,\"return_token_ids\":true}")
                .post("/v1/completions").then().statusCode(200).extract().asString());
        long[] ids = new long[r.at("/choices/0/token_ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.at("/choices/0/token_ids").get(i).asLong();
        }
        assertArrayEquals(greedy, ids);
        assertEquals(17, r.at("/prompt_token_ids").size());
        assertEquals(24, r.at("/usage/completion_tokens").asInt());
    }

    private static String chatBody(boolean stream, String extra) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"Count: one two three\"}],\"max_completion_tokens\":20,"
                + "\"temperature\":0.8,\"seed\":42,\"n\":2,\"stream\":" + stream + extra + "}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat", "completions"})
    void streamEqualsNonStreamChoiceByChoice(String endpoint) {
        boolean chat = endpoint.equals("chat");
        String path = chat ? "/v1/chat/completions" : "/v1/completions";
        String plain = chat ? chatBody(false, "") : "{\"prompt\":\"Count: one two\",\"max_tokens\":20,\"temperature\":0.8,\"seed\":42,\"n\":2}";
        String streamed = chat ? chatBody(true, ",\"stream_options\":{\"include_usage\":true}")
                : plain.replace("}", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        JsonNode whole = Support.parse(given().contentType(ContentType.JSON).body(plain).post(path).then().statusCode(200)
                .extract().asString());
        Response sr = given().contentType(ContentType.JSON).body(streamed).post(path);
        assertEquals(200, sr.statusCode());
        assertTrue(sr.contentType().startsWith("text/event-stream"), sr.contentType());
        List<String> events = Support.events(sr.asString());
        assertEquals("[DONE]", events.get(events.size() - 1), "the stream ends with [DONE]");
        StringBuilder[] content = {new StringBuilder(), new StringBuilder()};
        StringBuilder[] reasoning = {new StringBuilder(), new StringBuilder()};
        String[] finish = new String[2];
        boolean[] roleFirst = new boolean[2];
        boolean[] seen = new boolean[2];
        int usageChunks = 0;
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode c = Support.parse(e);
            assertEquals(chat ? "chat.completion.chunk" : "text_completion", c.get("object").asText());
            if (c.get("choices").isEmpty()) {
                usageChunks++;
                usage = c.get("usage");
                continue;
            }
            for (JsonNode ch : c.get("choices")) {
                int i = ch.get("index").asInt();
                if (chat) {
                    JsonNode d = ch.get("delta");
                    if (!seen[i]) {
                        roleFirst[i] = "assistant".equals(d.path("role").asText(null));
                    }
                    content[i].append(d.path("content").asText(""));
                    reasoning[i].append(d.path("reasoning_content").asText(""));
                } else {
                    content[i].append(ch.path("text").asText(""));
                }
                seen[i] = true;
                if (!ch.get("finish_reason").isNull()) {
                    assertEquals(null, finish[i], "one finish_reason per choice");
                    finish[i] = ch.get("finish_reason").asText();
                }
            }
        }
        assertEquals(1, usageChunks, "exactly one usage chunk with choices: []");
        assertNotNull(usage);
        assertEquals(whole.at("/usage/completion_tokens").asInt(), usage.get("completion_tokens").asInt());
        for (int i = 0; i < 2; i++) {
            JsonNode w = whole.at("/choices/" + i);
            if (chat) {
                assertTrue(roleFirst[i], "the first delta of choice " + i + " has the role");
                assertEquals(w.at("/message/content").asText(""), content[i].toString(), "content of choice " + i);
                assertEquals(w.at("/message/reasoning_content").asText(""), reasoning[i].toString());
            } else {
                assertEquals(w.get("text").asText(), content[i].toString(), "text of choice " + i);
            }
            assertEquals(w.get("finish_reason").asText(), finish[i]);
        }
    }

    @Test
    void logprobsAndTopLogprobsHaveTheOpenAiShapes() {
        JsonNode chat = Support.parse(given().contentType(ContentType.JSON)
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":5,\"temperature\":0,"
                        + "\"logprobs\":true,\"top_logprobs\":3,\"return_token_ids\":true}")
                .post("/v1/chat/completions").then().statusCode(200).extract().asString());
        JsonNode content = chat.at("/choices/0/logprobs/content");
        JsonNode ids = chat.at("/choices/0/token_ids");
        assertEquals(ids.size(), content.size());
        for (JsonNode t : content) {
            assertTrue(t.get("logprob").asDouble() <= 0);
            assertEquals(3, t.get("top_logprobs").size());
            // greedy: the chosen token is the most likely one, so its logprob equals the best alternative's
            assertEquals(t.at("/top_logprobs/0/logprob").asDouble(), t.get("logprob").asDouble(), 1e-6);
            assertTrue(t.get("bytes").isArray());
        }
        JsonNode cmpl = Support.parse(given().contentType(ContentType.JSON)
                .body("{\"prompt\":\"hello\",\"max_tokens\":4,\"temperature\":0,\"logprobs\":2}")
                .post("/v1/completions").then().statusCode(200).extract().asString());
        JsonNode lp = cmpl.at("/choices/0/logprobs");
        assertEquals(lp.get("tokens").size(), lp.get("token_logprobs").size());
        assertEquals(lp.get("tokens").size(), lp.get("top_logprobs").size());
        assertEquals(0, lp.at("/text_offset/0").asInt());
        assertTrue(lp.at("/top_logprobs/0").size() >= 1 && lp.at("/top_logprobs/0").size() <= 2);
    }

    @Test
    void stopStringEndsTheTextBeforeIt() {
        JsonNode free = Support.parse(given().contentType(ContentType.JSON)
                .body("{\"prompt\":\"hello\",\"max_tokens\":16,\"temperature\":0}")
                .post("/v1/completions").then().statusCode(200).extract().asString());
        String text = free.at("/choices/0/text").asText();
        if (text.length() < 4) {
            return;
        }
        String stop = text.substring(2, 4);
        JsonNode stopped = Support.parse(given().contentType(ContentType.JSON)
                .body(Support.JSON.createObjectNode().put("prompt", "hello").put("max_tokens", 16).put("temperature", 0)
                        .put("stop", stop).toString())
                .post("/v1/completions").then().statusCode(200).extract().asString());
        assertEquals(text.substring(0, text.indexOf(stop)), stopped.at("/choices/0/text").asText());
        assertEquals("stop", stopped.at("/choices/0/finish_reason").asText());
    }
}
