package dev.ares.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code ./ares chat --url URL} (issue 7 deliverable 5): against a loopback server that streams OpenAI chat chunks,
 * the REPL takes the model id from {@code /v1/models}, sends {@code stream: true} with the conversation so far, prints
 * reasoning in brackets and the content as it streams, keeps the answers in the history, forgets it on
 * {@code /reset}, prints an error answer and drops the failed turn.
 */
class ChatCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void streamsAnswersKeepsHistoryResetsAndReportsErrors() throws Exception {
        List<JsonNode> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/models", x -> reply(x, 200, "application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"srv-model\",\"object\":\"model\"}]}"));
        server.createContext("/v1/chat/completions", x -> {
            JsonNode body = JSON.readTree(x.getRequestBody().readAllBytes());
            bodies.add(body);
            if (bodies.size() == 3) {
                reply(x, 400, "application/json", "{\"error\":{\"message\":\"'temperature' must be in [0, 2]\"}}");
                return;
            }
            String sse = event("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}")
                    + event("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"think " + bodies.size() + "\"}}]}")
                    + event("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}")
                    + event("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":\"stop\"}]}")
                    + "data: [DONE]\n\n";
            reply(x, 200, "text/event-stream", sse);
        });
        server.start();
        try {
            ChatCommand chat = new ChatCommand();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            chat.in = new ByteArrayInputStream("hello\nsecond\n/reset\nthird\nfourth\n/exit\n".getBytes(StandardCharsets.UTF_8));
            chat.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
            int code = new picocli.CommandLine(chat).execute("--url", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "--max-tokens", "7", "--temperature", "0");
            String out = printed.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, out);
            assertTrue(out.contains("chatting with srv-model"), out);
            assertTrue(out.contains("[think 1]\nHi there"), out);
            assertTrue(out.contains("[error 400]") && out.contains("'temperature' must be in [0, 2]"), out);

            assertEquals(4, bodies.size());
            for (JsonNode b : bodies) {
                assertEquals("srv-model", b.get("model").asText());
                assertTrue(b.get("stream").asBoolean());
                assertEquals(7, b.get("max_tokens").asInt());
            }
            assertEquals(List.of("user:hello"), turns(bodies.get(0)));
            assertEquals(List.of("user:hello", "assistant:Hi there", "user:second"), turns(bodies.get(1)));
            assertEquals(List.of("user:third"), turns(bodies.get(2)));               // /reset forgot the first two turns
            assertEquals(List.of("user:fourth"), turns(bodies.get(3)));              // the failed turn was dropped
        } finally {
            server.stop(0);
        }
    }

    private static List<String> turns(JsonNode body) {
        List<String> t = new java.util.ArrayList<>();
        for (JsonNode m : body.get("messages")) {
            t.add(m.get("role").asText() + ":" + m.get("content").asText());
        }
        return t;
    }

    private static String event(String json) {
        return "data: " + json + "\n\n";
    }

    private static void reply(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }
}
