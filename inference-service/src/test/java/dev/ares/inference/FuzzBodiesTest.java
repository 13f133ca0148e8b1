package dev.ares.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.testkit.LocalKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * 1,200 seeded random bodies (valid ones, wrong types, odd values, truncated JSON, random bytes) to both endpoints:
 * never a 5xx, every error in the OpenAI shape, every 200 a JSON completion or an event stream ending in [DONE].
 */
@QuarkusTest
@TestProfile(RealModelProfile.class)
@WithTestResource(LocalKafkaResource.class)
class FuzzBodiesTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] FIELDS = {"model", "prompt", "messages", "max_tokens", "max_completion_tokens", "temperature",
            "top_p", "top_k", "seed", "stop", "n", "logprobs", "top_logprobs", "stream", "stream_options", "return_token_ids"};

    @TestHTTPResource("/")
    URI base;

    private JsonNode odd(SplittableRandom r, int depth) {
        return switch (r.nextInt(depth > 2 ? 9 : 12)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(r.nextBoolean());
            case 2 -> F.numberNode(r.nextInt(-3, 5));
            case 3 -> F.numberNode(r.nextDouble() * 4 - 1);
            case 4 -> F.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 5 -> F.textNode("");
            case 6 -> F.textNode("héllo <think>\u0000\uD83D\uDE00 " + r.nextInt(1000));
            case 7 -> F.numberNode(Double.MAX_VALUE);
            case 8 -> F.numberNode(r.nextInt(0, 400));
            case 9 -> {
                ArrayNode a = F.arrayNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.add(odd(r, depth + 1));
                }
                yield a;
            }
            case 10 -> {
                ObjectNode o = F.objectNode();
                for (int i = r.nextInt(3); i > 0; i--) {
                    o.set(r.nextBoolean() ? "role" : r.nextBoolean() ? "content" : "type", odd(r, depth + 1));
                }
                yield o;
            }
            default -> valid(r).get("messages");
        };
    }

    private ObjectNode valid(SplittableRandom r) {
        ObjectNode o = F.objectNode();
        ArrayNode msgs = o.putArray("messages");
        msgs.addObject().put("role", "user").put("content", "hi " + r.nextInt(100));
        o.put("prompt", "tell me " + r.nextInt(100));
        o.put("max_tokens", 1 + r.nextInt(3));
        o.put("temperature", r.nextDouble());
        return o;
    }

    private byte[] body(SplittableRandom r) {
        int kind = r.nextInt(10);
        if (kind == 0) {
            byte[] b = new byte[r.nextInt(1, 64)];
            r.nextBytes(b);
            return b;
        }
        ObjectNode o = valid(r);
        for (int i = r.nextInt(1, 4); i > 0; i--) {
            String f = FIELDS[r.nextInt(FIELDS.length)];
            o.set(f, odd(r, 0));
        }
        if (o.path("max_tokens").isNumber() && o.get("max_tokens").asLong() > 3) {
            o.put("max_tokens", 3);
        }
        o.remove("max_completion_tokens");
        if (o.path("n").isIntegralNumber() && o.get("n").asLong() > 2) {
            o.put("n", 2);
        }
        String s = o.toString();
        if (kind == 1) {
            s = s.substring(0, r.nextInt(s.length()));
        } else if (kind == 2) {
            s = "[" + s + "]";
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void randomBodiesNeverGetA5xx() throws Exception {
        Support.awaitReady();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        SplittableRandom r = new SplittableRandom(20261126L);
        int ok = 0;
        for (int i = 0; i < 1200; i++) {
            byte[] b = body(r);
            String path = r.nextBoolean() ? "v1/chat/completions" : "v1/completions";
            HttpResponse<String> resp = client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(b)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String sent = new String(b, StandardCharsets.UTF_8);
            int s = resp.statusCode();
            assertTrue(s < 500, "body #" + i + " to " + path + " got " + s + ": " + sent + " -> " + resp.body());
            if (s == 200) {
                ok++;
                if (resp.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                    assertTrue(resp.body().endsWith("data: [DONE]\n\n"), "stream #" + i);
                } else {
                    assertTrue(Support.parse(resp.body()).has("choices"), "completion #" + i);
                }
            } else {
                JsonNode err = Support.parse(resp.body()).get("error");
                assertTrue(err != null && err.get("message").isTextual() && err.has("type"),
                        "OpenAI error shape for #" + i + ": " + resp.body());
            }
        }
        System.out.println("fuzz: 1200 bodies, " + ok + " served");
        assertTrue(ok > 50, "some generated bodies were valid and served: " + ok);
    }
}
