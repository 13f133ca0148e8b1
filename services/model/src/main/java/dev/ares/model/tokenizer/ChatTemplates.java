package dev.ares.model.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Finds a chat template by name or for a model folder. */
public final class ChatTemplates {
    private ChatTemplates() {
    }

    /**
     * The model's own template: the {@code chat_template} of {@code dir/tokenizer_config.json} when present,
     * otherwise ChatML.
     */
    public static ChatTemplate forModel(Path dir) {
        Path cfg = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(cfg)) {
            JinjaChatTemplate t = JinjaChatTemplate.read(cfg);
            if (t != null) {
                return t;
            }
        }
        return new ChatMlTemplate();
    }

    /**
     * A template by name: {@code hf} (the model's own, see {@link #forModel}), {@code chatml}, or
     * {@code ares-reasoning}.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static ChatTemplate named(String name, Path modelDir) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "hf" -> forModel(modelDir);
            case "chatml" -> new ChatMlTemplate();
            case "ares-reasoning" -> new AresReasoningTemplate();
            default -> throw new IllegalArgumentException("unknown chat template '" + name
                    + "' (known: hf, chatml, ares-reasoning)");
        };
    }
}
