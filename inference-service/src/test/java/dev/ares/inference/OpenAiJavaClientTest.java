package dev.ares.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.ares.testkit.LocalKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official {@code com.openai:openai-java} client against the running service with the qwen2-tiny fixture:
 * non-streaming chat, streaming chat (deltas equal the non-streaming answer for the same seed), n = 2, logprobs,
 * and the legacy completions endpoint.
 */
@QuarkusTest
@TestProfile(RealModelProfile.class)
@WithTestResource(LocalKafkaResource.class)
class OpenAiJavaClientTest {
    @TestHTTPResource("/v1")
    URI base;

    private OpenAIClient client;

    @BeforeEach
    void connect() throws InterruptedException {
        Support.awaitReady();
        client = OpenAIOkHttpClient.builder().baseUrl(base.toString()).apiKey("unused").timeout(Duration.ofSeconds(60))
                .maxRetries(0).build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model("qwen2-tiny").addUserMessage("Name three colours.")
                .maxCompletionTokens(12).temperature(0.9).seed(11);
    }

    @Test
    void chatWithTwoChoicesAndLogprobs() {
        ChatCompletion c = client.chat().completions().create(params().n(2).logprobs(true).topLogprobs(2).build());
        assertEquals(2, c.choices().size());
        assertEquals("qwen2-tiny", c.model());
        for (ChatCompletion.Choice ch : c.choices()) {
            List<ChatCompletionTokenLogprob> lps = ch.logprobs().orElseThrow().content().orElseThrow();
            assertFalse(lps.isEmpty());
            for (ChatCompletionTokenLogprob t : lps) {
                assertTrue(t.logprob() <= 0);
                assertEquals(2, t.topLogprobs().size());
                assertTrue(t.topLogprobs().get(0).logprob() >= t.topLogprobs().get(1).logprob());
            }
        }
        long completion = c.usage().orElseThrow().completionTokens();
        assertTrue(completion >= 2 && completion <= 24, "usage covers both choices: " + completion);
    }

    @Test
    void streamingChatEqualsTheNonStreamingAnswer() {
        ChatCompletion whole = client.chat().completions().create(params().build());
        StringBuilder streamed = new StringBuilder();
        String[] finish = new String[1];
        int[] usageChunks = new int[1];
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunk -> {
                if (chunk.choices().isEmpty()) {
                    usageChunks[0]++;
                    return;
                }
                ChatCompletionChunk.Choice ch = chunk.choices().get(0);
                ch.delta().content().ifPresent(streamed::append);
                ch.finishReason().ifPresent(f -> finish[0] = f.asString());
            });
        }
        assertEquals(whole.choices().get(0).message().content().orElse(""), streamed.toString());
        assertEquals(whole.choices().get(0).finishReason().asString(), finish[0]);
        assertEquals(1, usageChunks[0]);
    }

    @Test
    void legacyCompletions() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("qwen2-tiny").prompt("Once upon")
                .maxTokens(6).temperature(0.0).n(2).build());
        assertEquals(2, c.choices().size());
        assertEquals(c.choices().get(0).text(), c.choices().get(1).text(), "greedy choices agree");
    }
}
