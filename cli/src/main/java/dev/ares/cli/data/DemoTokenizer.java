package dev.ares.cli.data;

import dev.ares.model.tokenizer.QwenTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.ToIntFunction;

/**
 * Token counts under the project's demo tokenizer (the 384-token byte-level BPE shipped in ares-core as
 * {@code ares/demo-tokenizer/}), through the model runtime's {@link QwenTokenizer}. AdaCS measures lengths with it so that
 * L(0), L(1) and L_target are in the demo model's tokens.
 */
public final class DemoTokenizer implements ToIntFunction<String>, AutoCloseable {

    private final QwenTokenizer tokenizer;

    private DemoTokenizer(QwenTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Loads the demo tokenizer from the classpath (copied to a temporary folder, which is then deleted). */
    public static DemoTokenizer load() {
        try {
            Path dir = Files.createTempDirectory("ares-demo-tokenizer");
            Path json = dir.resolve("tokenizer.json");
            try (InputStream in = DemoTokenizer.class.getResourceAsStream("/ares/demo-tokenizer/tokenizer.json")) {
                if (in == null) {
                    throw new IOException("resource /ares/demo-tokenizer/tokenizer.json is missing from the classpath");
                }
                Files.copy(in, json, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                return new DemoTokenizer(QwenTokenizer.open(json));
            } finally {
                Files.deleteIfExists(json);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the demo tokenizer", e);
        }
    }

    /** Number of tokens of {@code text} (no special tokens added; {@code <think>} and {@code </think>} are one each). */
    @Override
    public int applyAsInt(String text) {
        return tokenizer.encode(text).length;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
