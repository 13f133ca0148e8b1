package dev.ares.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ares.model.Fixtures;
import dev.ares.model.qwen.Qwen25VlConfig;
import dev.ares.model.tokenizer.ChatTemplates;
import dev.ares.model.tokenizer.QwenTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat turns with image parts (the fixture's own Jinja template and the built-in ChatML) and pad expansion. */
class ImagePromptsTest {
    final Path dir = Fixtures.dir("qwen2_5_vl-tiny");
    final Qwen25VlConfig config = Qwen25VlConfig.load(dir);

    @Test
    void theFolderTemplateWritesOneVisionBlockPerImagePart() {
        String want = "<|im_start|>user\n" + ImagePrompts.IMAGE_PART + ImagePrompts.IMAGE_PART
                + "which bar is tallest?<|im_end|>\n<|im_start|>assistant\n";
        assertEquals(want, ImagePrompts.userTurn(ChatTemplates.forModel(dir), 2, "which bar is tallest?", true));
        assertEquals(want, ImagePrompts.userTurn(ChatTemplates.named("chatml", dir), 2, "which bar is tallest?", true));
    }

    @Test
    void placeholderPadsExpandToTheImageTokenCounts() throws Exception {
        List<GridThw> grids = List.of(new GridThw(1, 6, 4), new GridThw(1, 8, 10));           // 6 and 20 tokens
        try (QwenTokenizer tok = QwenTokenizer.load(dir)) {
            int[] ids = tok.encode(ImagePrompts.userTurn(ChatTemplates.forModel(dir), 2, "hi", true));
            int[] expanded = ImagePrompts.expandImagePads(ids, grids, config);
            assertEquals(ids.length + 5 + 19, expanded.length);
            int pads = 0;
            for (int id : expanded) {
                pads += id == config.imageTokenId() ? 1 : 0;
            }
            assertEquals(26, pads);
            // already expanded runs are kept as they are
            assertArrayEquals(expanded, ImagePrompts.expandImagePads(expanded, grids, config));
        }
    }

    @Test
    void runsThatFitNoImageAreRefused() {
        int pad = config.imageTokenId();
        List<GridThw> one = List.of(new GridThw(1, 4, 4));                                     // 4 tokens
        assertThrows(IllegalArgumentException.class,
                () -> ImagePrompts.expandImagePads(new int[] {10, 3, pad, pad, 4}, one, config));
        assertThrows(IllegalArgumentException.class,
                () -> ImagePrompts.expandImagePads(new int[] {10, 3, pad, 4, 3, pad, 4}, one, config));
        assertThrows(IllegalArgumentException.class,
                () -> ImagePrompts.expandImagePads(new int[] {10, 11}, one, config));
    }
}
