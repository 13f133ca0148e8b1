package dev.ares.core.tasks;

import java.util.Arrays;
import java.util.Objects;

/**
 * One verifiable problem of the curriculum.
 *
 * @param id              content-derived identifier ({@code family-Ln-hash}); equal content gives an equal id
 * @param family          name of the generating {@link TaskFamily}, e.g. {@code "addition"}
 * @param level           difficulty level 1..5
 * @param prompt          the question text shown to the model (without the ARES instruction, see {@link PromptFormat})
 * @param answer          the reference answer in the form the verifier accepts inside {@code \boxed{}}, e.g. {@code "42"}
 * @param image           PNG bytes of the rendered image, or {@code null} for text problems
 * @param imageMime       MIME type of {@code image} ({@code "image/png"}), or {@code null} for text problems
 * @param difficultyPrior expected pass rate in [0, 1] of a model that has learned the curriculum; stands in for a
 *                        measured pass rate when no model exists yet (aepo-spec.md §9, "pass-rate estimation")
 */
public record Problem(String id, String family, int level, String prompt, String answer,
                      byte[] image, String imageMime, double difficultyPrior) {

    /** Validates the fields; throws {@link IllegalArgumentException} naming the bad field. */
    public Problem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
        if (level < TaskFamily.MIN_LEVEL || level > TaskFamily.MAX_LEVEL) {
            throw new IllegalArgumentException("level must be in 1..5, got " + level + " for " + id);
        }
        if ((image == null) != (imageMime == null)) {
            throw new IllegalArgumentException("image and imageMime must both be set or both be null for " + id);
        }
        if (!(difficultyPrior >= 0.0 && difficultyPrior <= 1.0)) {
            throw new IllegalArgumentException("difficultyPrior must be in [0,1], got " + difficultyPrior + " for " + id);
        }
    }

    /** True when the problem carries an image. */
    public boolean hasImage() {
        return image != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Problem p && id.equals(p.id) && family.equals(p.family) && level == p.level
                && prompt.equals(p.prompt) && answer.equals(p.answer) && Arrays.equals(image, p.image)
                && Objects.equals(imageMime, p.imageMime) && Double.compare(difficultyPrior, p.difficultyPrior) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, family, level, prompt, answer, Arrays.hashCode(image), imageMime, difficultyPrior);
    }

    @Override
    public String toString() {
        return "Problem[" + id + ", " + family + " L" + level + ", '" + prompt + "' -> " + answer
                + (image != null ? ", image " + image.length + " B " + imageMime : "") + ", prior " + difficultyPrior + "]";
    }
}
