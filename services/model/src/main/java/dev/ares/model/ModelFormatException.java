package dev.ares.model;

import java.nio.file.Path;

/**
 * A model folder, weight file, configuration or tokenizer that cannot be used as given: truncated or
 * inconsistent safetensors, a missing or mis-shaped tensor, an unknown {@code model_type}, a tokenizer
 * whose vocabulary does not fit the model. The message always names the file and the tensor or field.
 */
public class ModelFormatException extends RuntimeException {
    private final Path file;
    private final String item;

    /**
     * @param file   the file at fault (never null)
     * @param item   the tensor name or configuration field at fault, or null when the whole file is at fault
     * @param detail what is wrong, in words
     */
    public ModelFormatException(Path file, String item, String detail) {
        this(file, item, detail, null);
    }

    /** As {@link #ModelFormatException(Path, String, String)} with the underlying cause. */
    public ModelFormatException(Path file, String item, String detail, Throwable cause) {
        super(file + (item == null ? "" : " [" + item + "]") + ": " + detail, cause);
        this.file = file;
        this.item = item;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The tensor or field at fault, or null when the whole file is at fault. */
    public String item() {
        return item;
    }
}
