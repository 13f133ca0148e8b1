package dev.ares.model.learner;

import dev.ares.core.protocol.ScoredBatch;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.vision.ImageFeatures;
import java.util.ArrayList;
import java.util.List;

/** The images of {@link PolicyTrainer}'s rows: checked per group against its prompt, gathered per micro-batch. */
final class TrainingImages {
    private TrainingImages() {
    }

    /**
     * The configured images, checked against each group's prompt: with a Qwen2.5-VL policy a prompt holding image
     * pads must have images whose token count equals its pad count.
     */
    static GroupImages checked(QwenModel policy, GroupImages images, ScoredBatch batch) {
        if (!(policy instanceof Qwen25VlModel vl)) {
            return GroupImages.NONE;
        }
        int pad = vl.vlConfig().imageTokenId();
        return g -> {
            int pads = 0;
            for (int id : g.rollout().promptTokenIds()) {
                pads += id == pad ? 1 : 0;
            }
            if (pads == 0) {
                return null;
            }
            ImageFeatures f = images.of(g);
            if (f == null) {
                throw new IllegalArgumentException("step " + batch.step() + ", group " + g.groupId() + ": the prompt "
                        + "holds " + pads + " image pads but the learner has no images for it (no blob root "
                        + "configured?); its log-probabilities would be computed without the image");
            }
            int tokens = 0;
            for (var grid : f.grids()) {
                tokens += vl.imageTokens(grid);
            }
            if (tokens != pads) {
                throw new IllegalArgumentException("step " + batch.step() + ", group " + g.groupId() + ": the prompt "
                        + "holds " + pads + " image pads but its images " + f.grids() + " give " + tokens + " tokens");
            }
            return f;
        };
    }

    /** The images of a micro-batch's rows in row order, or null when no row has any. */
    static ImageFeatures ofRows(List<TrainingRow> rows) {
        List<ImageFeatures> parts = new ArrayList<>();
        for (TrainingRow r : rows) {
            if (r.images() != null) {
                parts.add(r.images());
            }
        }
        return parts.isEmpty() ? null : ImageFeatures.concat(parts);
    }

}
