package dev.ares.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ares chat --url URL}: a REPL against an OpenAI-compatible server that streams each answer as it is
 * generated (reasoning in brackets, then the content). Keeps the conversation; {@code /reset} clears it,
 * {@code /exit} or end of input leaves.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, description = "Chat with an OpenAI-compatible server, streaming the answers.")
public final class ChatCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Server base URL (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--model", description = "Model id (default: the first of /v1/models).")
    String model;

    @Option(names = "--max-tokens", defaultValue = "512", description = "Most tokens per answer (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.7", description = "Sampling temperature (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--api-key", description = "Bearer key, when the server requires one.")
    String apiKey;

    @Option(names = "--system", description = "System message.")
    String system;

    InputStream in = System.in;
    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        base = base.endsWith("/v1") ? base : base + "/v1";
        if (model == null) {
            HttpResponse<String> r = http.send(request(base + "/models").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + base + "/models answered " + r.statusCode() + ": " + r.body());
            }
            model = JSON.readTree(r.body()).at("/data/0/id").asText();
        }
        ArrayNode history = JSON.createArrayNode();
        if (system != null) {
            history.addObject().put("role", "system").put("content", system);
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        out.println("chatting with " + model + " at " + base + " (/reset, /exit)");
        while (true) {
            out.print("> ");
            out.flush();
            String line = lines.readLine();
            if (line == null || line.strip().equals("/exit")) {
                return 0;
            }
            if (line.strip().equals("/reset")) {
                history.removeAll();
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            history.addObject().put("role", "user").put("content", line);
            String answer = stream(http, base, history);
            if (answer == null) {
                history.remove(history.size() - 1);
            } else {
                history.addObject().put("role", "assistant").put("content", answer);
            }
        }
    }

    private HttpRequest.Builder request(String to) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(to)).timeout(Duration.ofMinutes(10));
        return apiKey == null ? b : b.header("Authorization", "Bearer " + apiKey);
    }

    /** Sends the conversation with {@code stream: true}, prints deltas as they come; returns the content or null on error. */
    private String stream(HttpClient http, String base, ArrayNode history) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("stream", true).put("max_tokens", maxTokens)
                .put("temperature", temperature);
        body.set("messages", history);
        HttpResponse<java.util.stream.Stream<String>> r = http.send(request(base + "/chat/completions")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            String err = String.join("\n", r.body().toList());
            out.println("[error " + r.statusCode() + "] " + err);
            return null;
        }
        StringBuilder content = new StringBuilder();
        boolean[] inReasoning = {false};
        r.body().forEach(l -> {
            if (!l.startsWith("data:")) {
                return;
            }
            String data = l.substring(5).strip();
            if (data.equals("[DONE]")) {
                return;
            }
            JsonNode chunk;
            try {
                chunk = JSON.readTree(data);
            } catch (IOException e) {
                out.print("[unreadable event: " + data + "]");
                return;
            }
            if (chunk.has("error")) {
                out.print("[error] " + chunk.at("/error/message").asText());
                return;
            }
            JsonNode delta = chunk.at("/choices/0/delta");
            String reasoning = delta.path("reasoning_content").asText("");
            if (!reasoning.isEmpty()) {
                out.print((inReasoning[0] ? "" : "[") + reasoning);
                inReasoning[0] = true;
            }
            String c = delta.path("content").asText("");
            if (!c.isEmpty()) {
                out.print((inReasoning[0] ? "]\n" : "") + c);
                inReasoning[0] = false;
                content.append(c);
            }
            out.flush();
        });
        out.println(inReasoning[0] ? "]" : "");
        return content.toString();
    }
}
