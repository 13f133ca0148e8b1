package dev.ares.model.learner;

import dev.ares.core.protocol.ScoredGroup;
import dev.ares.model.vision.ImageFeatures;

/**
 * The images a rollout group was generated with, for recomputing its log-probabilities with the same vision input
 * (docs/learner.md "Image groups"). A rollout group carries its expanded prompt ids but not its image references,
 * so the learner looks them up from the request it scheduled ({@link PromptImages}).
 */
@FunctionalInterface
public interface GroupImages {
    /** No images: every group is a text group. */
    GroupImages NONE = g -> null;

    /**
     * @return the group's processed images in the order of its prompt's image-pad runs, or null for a text group
     * @throws RuntimeException naming the group and reference when an image cannot be found or read
     */
    ImageFeatures of(ScoredGroup group);
}
