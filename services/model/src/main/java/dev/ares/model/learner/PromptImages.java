package dev.ares.model.learner;

import dev.ares.core.io.ImageBlobs;
import dev.ares.core.learner.PromptSource;
import dev.ares.core.learner.ScheduleConfig;
import dev.ares.core.learner.StepScheduler;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.model.vision.ImageFeatures;
import dev.ares.model.vision.ImageProcessorConfig;
import dev.ares.model.vision.Qwen2VlImageProcessor;
import dev.ares.model.vision.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learner's {@link GroupImages}: a group's images are those of the request the learner scheduled for it. The
 * requests of a step are a pure function of the run configuration and the step ({@link StepScheduler}), so group
 * {@code i} of step {@code s} (id {@link StepScheduler#groupId}) had prompt {@code i} of
 * {@code prompts.prompts(s, groupsPerStep)}, also after a restart. Its {@code imageRefs} are read from the blob root
 * with the content-hash check ({@link ImageBlobs#read}) and processed with the policy folder's
 * {@code preprocessor_config.json}, exactly as the rollout did. The group's source and reference answer must equal the
 * prompt's, or the lookup is refused (the group was not generated from this schedule).
 *
 * <p>Not thread-safe (the loop's trainer calls it from one thread).
 */
public final class PromptImages implements GroupImages {
    private static final int STEPS_KEPT = 8;
    private final PromptSource prompts;
    private final ScheduleConfig schedule;
    private final Path blobsRoot;
    private final Path modelDir;
    private Qwen2VlImageProcessor processor;
    private final Map<Long, List<Prompt>> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<Prompt>> eldest) {
            return size() > STEPS_KEPT;
        }
    };

    /**
     * @param prompts   the learner's prompt source (the one its scheduler draws from)
     * @param schedule  run id and groups per step
     * @param blobsRoot the blob root ({@code ares.blobs.root}), or null (an image group is then refused)
     * @param modelDir  the policy folder whose {@code preprocessor_config.json} processes the images (read on the
     *                  first image group)
     */
    public PromptImages(PromptSource prompts, ScheduleConfig schedule, Path blobsRoot, Path modelDir) {
        this.prompts = prompts;
        this.schedule = schedule;
        this.blobsRoot = blobsRoot;
        this.modelDir = modelDir;
    }

    /**
     * @throws IllegalArgumentException when the group is not one the schedule produced, its prompt differs, no blob
     *     root is configured, a blob cannot be read or no longer hashes to its name, or an image cannot be decoded
     *     (the message names the group and the reference)
     */
    @Override
    public ImageFeatures of(ScoredGroup group) {
        long step = group.rollout().step();
        List<Prompt> ps = recent.computeIfAbsent(step, s -> prompts.prompts(s, schedule.groupsPerStep()));
        int index = -1;
        for (int i = 0; i < ps.size(); i++) {
            if (StepScheduler.groupId(schedule.runId(), step, i).equals(group.groupId())) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("group " + group.groupId() + " is not one of the " + ps.size()
                    + " groups run " + schedule.runId() + " scheduled for step " + step
                    + ", so its images are unknown");
        }
        Prompt p = ps.get(index);
        if (!p.source().equals(group.rollout().source()) || !p.referenceAnswer().equals(group.rollout().referenceAnswer())) {
            throw new IllegalArgumentException("group " + group.groupId() + " (source " + group.rollout().source()
                    + ") does not answer the prompt the learner scheduled for it (source " + p.source() + ")");
        }
        if (p.imageRefs().isEmpty()) {
            return null;
        }
        if (blobsRoot == null) {
            throw new IllegalArgumentException("group " + group.groupId() + " has images " + p.imageRefs()
                    + " but the learner has no blob root (ares.blobs.root)");
        }
        List<RgbImage> images = new ArrayList<>(p.imageRefs().size());
        for (int k = 0; k < p.imageRefs().size(); k++) {
            String field = "group " + group.groupId() + " Prompt.imageRefs[" + k + "]";
            byte[] bytes;
            try {
                bytes = ImageBlobs.read(blobsRoot, p.imageRefs().get(k), field);
            } catch (RuntimeException e) {
                // missing file, content not matching its hash, malformed or escaping reference: name the reference
                throw new IllegalArgumentException(field + " " + p.imageRefs().get(k) + ": " + e.getMessage(), e);
            }
            try {
                images.add(RgbImage.decode(bytes, field));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(field + " " + p.imageRefs().get(k) + ": " + e.getMessage(), e);
            }
        }
        if (processor == null) {
            processor = new Qwen2VlImageProcessor(ImageProcessorConfig.load(modelDir));
        }
        return processor.process(images);
    }
}
