package dev.ares.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.model.ModelFormatException;
import dev.ares.model.qwen.QwenConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Hugging Face {@code tokenizer.json} (byte-level BPE for the Qwen family) run by the Rust
 * {@code tokenizers} library through {@code ai.djl.huggingface:tokenizers}, offline. Encoding adds no
 * special tokens of its own (Qwen's post-processor adds none) and never truncates or pads; special tokens
 * written in the text (e.g. {@code <|im_start|>}) become their ids. Decoding keeps special tokens.
 */
public final class QwenTokenizer implements AutoCloseable {
    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> addedTokens;
    private final int vocabSize;

    private QwenTokenizer(Path file, HuggingFaceTokenizer tokenizer, Map<String, Integer> addedTokens, int vocabSize) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.addedTokens = addedTokens;
        this.vocabSize = vocabSize;
    }

    /** Loads {@code dir/tokenizer.json}. */
    public static QwenTokenizer load(Path dir) {
        return open(dir.resolve("tokenizer.json"));
    }

    /**
     * Loads one {@code tokenizer.json}.
     *
     * @throws ModelFormatException naming the file when it is missing or not a tokenizer
     */
    public static QwenTokenizer open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file, null, "tokenizer file does not exist");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "cannot parse tokenizer: " + e.getMessage(), e);
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (!vocab.isObject()) {
            throw new ModelFormatException(file, "model.vocab", "missing or not an object");
        }
        int maxId = -1;
        for (JsonNode id : (Iterable<JsonNode>) vocab::elements) {
            maxId = Math.max(maxId, id.asInt());
        }
        Map<String, Integer> added = new TreeMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            added.put(t.path("content").asText(), t.path("id").asInt());
            maxId = Math.max(maxId, t.path("id").asInt());
        }
        HuggingFaceTokenizer tok;
        try {
            tok = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(true)
                    .optTruncation(false).optPadding(false).build();
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(file, null, "the tokenizers library rejected it: " + e.getMessage(), e);
        }
        return new QwenTokenizer(file, tok, Map.copyOf(added), maxId + 1);
    }

    /** The tokenizer file. */
    public Path file() {
        return file;
    }

    /** One more than the largest id the tokenizer can produce (base vocabulary and added tokens). */
    public int vocabSize() {
        return vocabSize;
    }

    /** Id of an added (special) token such as {@code <|im_end|>}, or null. */
    public Integer specialId(String token) {
        return addedTokens.get(token);
    }

    /**
     * Checks that every id this tokenizer can produce has a row in the model's embedding.
     *
     * @throws ModelFormatException naming the tokenizer file when its ids exceed {@code vocab_size}
     */
    public void checkFits(QwenConfig config) {
        if (vocabSize > config.vocabSize()) {
            throw new ModelFormatException(file, "model.vocab", "tokenizer produces ids up to " + (vocabSize - 1)
                    + " but the model's vocab_size (" + config.file() + ") is " + config.vocabSize());
        }
    }

    /** Token ids of {@code text}. */
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Text of {@code ids}, special tokens included. */
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
