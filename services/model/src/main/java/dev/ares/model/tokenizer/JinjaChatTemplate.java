package dev.ares.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code chat_template} of a Hugging Face {@code tokenizer_config.json}, rendered by the Jinjava Jinja
 * engine with the variables transformers passes: {@code messages} (each a map with {@code role} and
 * {@code content}), {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, and an empty
 * {@code tools}. Python slicing {@code [::-1]}, which Jinjava lacks, is rewritten to the {@code reverse}
 * filter. A template that fails to render is an error naming the file and {@code chat_template}.
 */
public final class JinjaChatTemplate implements ChatTemplate {
    private final Path file;
    private final String template;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinja;

    private JinjaChatTemplate(Path file, String template, String bosToken, String eosToken) {
        this.file = file;
        this.template = template.replace("[::-1]", "|reverse");
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(false).withLstripBlocks(false).build());
    }

    /**
     * Reads the template of {@code tokenizer_config.json}.
     *
     * @return the template, or null when the file has no {@code chat_template}
     * @throws ModelFormatException naming the file when it cannot be parsed
     */
    public static JinjaChatTemplate read(Path tokenizerConfig) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerConfig.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(tokenizerConfig, null, "cannot parse: " + e.getMessage(), e);
        }
        JsonNode t = root.get("chat_template");
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isTextual()) {
            throw new ModelFormatException(tokenizerConfig, "chat_template",
                    "named template lists are not supported; expected one template string");
        }
        return new JinjaChatTemplate(tokenizerConfig, t.asText(), token(root.get("bos_token")),
                token(root.get("eos_token")));
    }

    private static String token(JsonNode n) {
        if (n == null || n.isNull()) {
            return "";
        }
        return n.isTextual() ? n.asText() : n.path("content").asText("");
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("role", m.role());
            x.put("content", m.content());
            msgs.add(x);
        }
        return renderMessages(msgs, addGenerationPrompt);
    }

    /**
     * Renders messages given as the maps transformers passes: {@code role}, and {@code content} either a string
     * or a list of parts such as {@code {type: "text", text: ...}} and {@code {type: "image"}} (multimodal
     * templates turn image parts into their vision tokens).
     */
    public String renderMessages(List<Map<String, Object>> msgs, boolean addGenerationPrompt) {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("messages", msgs);
        ctx.put("add_generation_prompt", addGenerationPrompt);
        ctx.put("bos_token", bosToken);
        ctx.put("eos_token", eosToken);
        ctx.put("tools", null);
        RenderResult r = jinja.renderForResult(template, ctx);
        List<TemplateError> fatal = r.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (!fatal.isEmpty()) {
            TemplateError e = fatal.get(0);
            throw new ModelFormatException(file, "chat_template", "line " + e.getLineno() + ": " + e.getMessage());
        }
        return r.getOutput();
    }

    @Override
    public String name() {
        return "hf";
    }
}
