package dev.ares.core.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo tokenizer shipped as a resource: the fixture's 384-token byte-level BPE with a ChatML chat template. */
class DemoTokenizerResourceTest {

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = DemoTokenizerResourceTest.class.getResourceAsStream("/ares/demo-tokenizer/" + name)) {
            assertNotNull(in, "resource /ares/demo-tokenizer/" + name);
            return in.readAllBytes();
        }
    }

    @Test
    void shippedTokenizerIsTheFixtureTokenizer() throws Exception {
        Path fixture = Path.of(System.getProperty("ares.repo.root", "../.."))
                .resolve("../shared/fixtures/hf-reference/tokenizer/tokenizer.json").normalize();
        assertTrue(Files.exists(fixture), "fixture at " + fixture);
        assertArrayEquals(Files.readAllBytes(fixture), resource("tokenizer.json"));
    }

    @Test
    void vocabularyHasTheSpecialTokensAndEveryByte() throws Exception {
        JsonNode tok = new ObjectMapper().readTree(resource("tokenizer.json"));
        assertEquals("BPE", tok.path("model").path("type").asText());
        Set<Integer> ids = new HashSet<>();
        tok.path("model").path("vocab").properties().forEach(e -> ids.add(e.getValue().asInt()));
        String[] specials = {"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>",
            "<|image_pad|>", "<|video_pad|>", "<think>", "</think>"};
        for (int i = 0; i < specials.length; i++) {
            assertEquals(specials[i], tok.path("added_tokens").get(i).path("content").asText());
            assertEquals(i, tok.path("added_tokens").get(i).path("id").asInt());
            ids.add(i);
        }
        assertEquals(384, ids.size());
        // byte-level BPE: each of the 256 byte symbols is a token, so any curriculum text is encodable
        Set<String> vocab = new HashSet<>();
        tok.path("model").path("vocab").fieldNames().forEachRemaining(vocab::add);
        int bytes = 0;
        for (int b = 0; b < 256; b++) {
            bytes += vocab.contains(byteSymbol(b)) ? 1 : 0;
        }
        assertEquals(256, bytes);
    }

    /** The GPT-2 byte-to-unicode map: printable bytes map to themselves, the rest to 256 + k. */
    private static String byteSymbol(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) {
            return String.valueOf((char) b);
        }
        int k = 0;
        for (int i = 0; i < b; i++) {
            boolean p = (i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF);
            k += p ? 0 : 1;
        }
        return String.valueOf((char) (256 + k));
    }

    @Test
    void configCarriesAChatMlTemplateWithImageParts() throws Exception {
        JsonNode cfg = new ObjectMapper().readTree(resource("tokenizer_config.json"));
        String template = cfg.path("chat_template").asText();
        assertTrue(template.contains("<|im_start|>") && template.contains("<|im_end|>"), template);
        assertTrue(template.contains("<|vision_start|><|image_pad|><|vision_end|>"), template);
        assertTrue(template.contains("add_generation_prompt"), template);
        assertEquals("<|im_end|>", cfg.path("eos_token").asText());
    }
}
