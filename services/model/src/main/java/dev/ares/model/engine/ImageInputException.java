package dev.ares.model.engine;

/**
 * A rollout request's image could not be used: its reference is malformed, leaves the blob root, names a missing
 * file or a file whose content does not hash to its name, no blob root is configured, or the image or prompt does
 * not fit the model (docs/rollout.md "Image prompts"). Only that request fails (its record goes to the rollout
 * dead-letter topic); the images are never silently dropped.
 */
public final class ImageInputException extends IllegalArgumentException {
    private final String ref;

    /**
     * @param ref     the image reference concerned ({@code blob:sha256:<hex>} or a {@code file:} URI)
     * @param message what went wrong, naming the request and the reference
     */
    public ImageInputException(String ref, String message) {
        super(message);
        this.ref = ref;
    }

    /** As {@link #ImageInputException(String, String)} with the underlying failure. */
    public ImageInputException(String ref, String message, Throwable cause) {
        super(message, cause);
        this.ref = ref;
    }

    /** The image reference concerned. */
    public String ref() {
        return ref;
    }
}
