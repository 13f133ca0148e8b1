package dev.ares.core.protocol;

import java.util.List;

/**
 * The prompt of a rollout request (architecture.md §3). Images travel by reference only.
 *
 * @param messages        chat turns, at least one, in order
 * @param imageRefs       content-addressed absolute URIs of the images (e.g. {@code blob:sha256:<hex>} or
 *                        {@code file:///...}); empty for text-only prompts; never image bytes
 * @param referenceAnswer the ground-truth answer the reward service verifies against; non-null (empty when the
 *                        source has none)
 * @param source          dataset or task family the prompt came from (e.g. {@code synthetic/arith}); non-blank
 * @param difficultyPrior prior pass rate in [0, 1] (AdaCS difficulty, aepo-spec), or {@code null} when unknown
 */
public record Prompt(List<ChatMessage> messages, List<String> imageRefs, String referenceAnswer, String source,
                     Double difficultyPrior) {
    public Prompt {
        messages = Checks.list(messages, "Prompt.messages");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("Prompt.messages must contain at least one message");
        }
        imageRefs = Checks.list(imageRefs, "Prompt.imageRefs");
        for (int i = 0; i < imageRefs.size(); i++) {
            Checks.absoluteUri(imageRefs.get(i), "Prompt.imageRefs[" + i + "]");
        }
        Checks.nonNull(referenceAnswer, "Prompt.referenceAnswer");
        Checks.nonBlank(source, "Prompt.source");
        if (difficultyPrior != null) {
            Checks.inRange(difficultyPrior, 0.0, 1.0, "Prompt.difficultyPrior");
        }
    }
}
