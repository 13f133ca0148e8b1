package dev.ares.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.model.Fixtures;
import dev.ares.model.ModelFormatException;
import dev.ares.model.qwen.QwenConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QwenTokenizerTest {
    @TempDir
    Path tmp;

    @Test
    void reproducesTheReferenceIdsAndDecodedText() throws IOException {
        JsonNode expected = new ObjectMapper().readTree(Fixtures.dir("tokenizer").resolve("expected.json").toFile());
        try (QwenTokenizer tok = QwenTokenizer.load(Fixtures.dir("tokenizer"))) {
            assertEquals(expected.get("vocab_size").asInt(), tok.vocabSize());
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) expected.get("specials")::fields) {
                assertEquals(e.getValue().asInt(), tok.specialId(e.getKey()), e.getKey());
            }
            int n = 0;
            for (JsonNode s : expected.get("samples")) {
                int[] want = new ObjectMapper().convertValue(s.get("ids"), int[].class);
                int[] ids = tok.encode(s.get("text").asText());
                assertArrayEquals(want, ids, s.get("text").asText());
                assertEquals(s.get("decoded").asText(), tok.decode(ids));
                n++;
            }
            assertEquals(5, n);
        }
    }

    @Test
    void tokenizerLargerThanTheModelVocabularyIsRejected() throws IOException {
        Path dir = Fixtures.copy("qwen2-tiny", tmp.resolve("small"));
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        c.put("vocab_size", 300);
        new ObjectMapper().writeValue(dir.resolve("config.json").toFile(), c);
        try (QwenTokenizer tok = QwenTokenizer.load(dir)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> tok.checkFits(QwenConfig.load(dir)));
            assertEquals(dir.resolve("tokenizer.json"), e.file());
            assertTrue(e.getMessage().contains("383") && e.getMessage().contains("300"), e.getMessage());
        }
        try (QwenTokenizer tok = QwenTokenizer.load(Fixtures.dir("qwen2-tiny"))) {
            tok.checkFits(QwenConfig.load(Fixtures.dir("qwen2-tiny")));
        }
        assertThrows(ModelFormatException.class, () -> QwenTokenizer.load(tmp));
    }

    @Test
    void hfChatTemplateRendersTheQwenTurnFormat() {
        ChatTemplate t = ChatTemplates.forModel(Fixtures.dir("qwen2-tiny"));
        assertEquals("hf", t.name());
        List<ChatMessage> chat = List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"));
        String expected = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n";
        assertEquals(expected, t.render(chat, false));
        assertEquals(expected + "<|im_start|>assistant\n", t.render(chat, true));
        // The fallback renders the same turns for these plain-text messages.
        assertEquals(t.render(chat, true), new ChatMlTemplate().render(chat, true));
    }

    @Test
    void templateWithoutChatTemplateFallsBackToChatMl() throws IOException {
        Path dir = Fixtures.copy("qwen2-tiny", tmp.resolve("nochat"));
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
        c.remove("chat_template");
        new ObjectMapper().writeValue(dir.resolve("tokenizer_config.json").toFile(), c);
        assertEquals("chatml", ChatTemplates.forModel(dir).name());
    }

    @Test
    void brokenTemplateNamesFileAndField() throws IOException {
        Path dir = Fixtures.copy("qwen2-tiny", tmp.resolve("broken"));
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
        c.put("chat_template", "{% for m in messages %}{{ m.content }");
        new ObjectMapper().writeValue(dir.resolve("tokenizer_config.json").toFile(), c);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ChatTemplates.forModel(dir).render(List.of(new ChatMessage("user", "x")), true));
        assertEquals("chat_template", e.item());
    }

    @Test
    void aresReasoningTemplateAsksForThinkAndBoxed() throws IOException {
        ChatTemplate t = ChatTemplates.named("ares-reasoning", Fixtures.dir("qwen2-tiny"));
        String text = t.render(List.of(new ChatMessage("user", "What is 12 + 7?")), true);
        assertTrue(text.startsWith("<|im_start|>system\n" + AresReasoningTemplate.INSTRUCTION + "<|im_end|>\n"));
        assertTrue(text.endsWith("<|im_start|>user\nWhat is 12 + 7?<|im_end|>\n<|im_start|>assistant\n"));
        assertTrue(AresReasoningTemplate.INSTRUCTION.contains("<think> </think>")
                && AresReasoningTemplate.INSTRUCTION.contains("\\boxed{"));
        try (QwenTokenizer tok = QwenTokenizer.load(Fixtures.dir("tokenizer"))) {
            int[] ids = tok.encode(text);
            assertEquals(1, ids[0], "<|im_start|> is one special token");
            assertEquals(text, tok.decode(ids));
        }
        assertThrows(IllegalArgumentException.class, () -> ChatTemplates.named("nope", tmp));
    }
}
