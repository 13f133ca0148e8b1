package dev.ares.model.train;

import dev.ares.model.vision.ImageFeatures;

/**
 * A tokenised SFT sequence: prompt tokens (the chat template's rendering of the user turn with the
 * generation prompt) followed by the response tokens up to and including the end-of-turn token. Only
 * response tokens are trained on: the next-token loss is taken at targets {@code promptLength..length-1}.
 *
 * @param ids          prompt then response token ids
 * @param promptLength number of leading prompt tokens, {@code 1 <= promptLength < ids.length}
 * @param record       the example it was made from
 * @param images       the processed images of the prompt, in the order of its image-pad runs (each run already
 *                     expanded to its image's token count), or null for a text example
 */
public record SftExample(int[] ids, int promptLength, SftRecord record, ImageFeatures images) {
    /** A text example (no images). */
    public SftExample(int[] ids, int promptLength, SftRecord record) {
        this(ids, promptLength, record, null);
    }

    public SftExample {
        if (promptLength < 1 || promptLength >= ids.length) {
            throw new IllegalArgumentException("example " + record.id() + ": prompt length " + promptLength
                    + " must be in [1, " + ids.length + ")");
        }
    }

    /** Total tokens. */
    public int length() {
        return ids.length;
    }

    /** Tokens the loss is taken on (the response tokens). */
    public int targetCount() {
        return ids.length - promptLength;
    }
}
