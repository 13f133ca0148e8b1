package dev.ares.core.learner;

import dev.ares.core.io.ImageBlobs;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompts drawn from the synthetic curriculum's TRAIN split (docs/curriculum.md): the prompts of step s are the first
 * {@code count} tasks of {@code curriculum.stream(TRAIN, Seeds.mix(seed, s, 0))}. Held-out problems are never
 * drawn. Image problems need a blob store (architecture.md §3): with a blob root, each problem's PNG is stored there
 * ({@link ImageBlobs#put}) and the prompt carries its {@code blob:sha256:} reference; without one the curriculum
 * must be a text one ({@link dev.ares.core.tasks.Modality#TEXT}).
 */
public final class CurriculumPrompts implements PromptSource {
    private final Curriculum curriculum;
    private final long seed;
    private final PromptFormat format;
    private final Path blobsRoot;

    /**
     * @param curriculum a text curriculum
     * @param seed       base seed of the run
     * @param format     how a problem becomes the user turn
     */
    public CurriculumPrompts(Curriculum curriculum, long seed, PromptFormat format) {
        this(curriculum, seed, format, null);
    }

    /**
     * @param curriculum any curriculum
     * @param seed       base seed of the run
     * @param format     how a problem becomes the user turn
     * @param blobsRoot  where image problems' PNGs are stored ({@code ares.blobs.root}), or null for text only
     */
    public CurriculumPrompts(Curriculum curriculum, long seed, PromptFormat format, Path blobsRoot) {
        this.curriculum = curriculum;
        this.seed = seed;
        this.format = format;
        this.blobsRoot = blobsRoot;
    }

    @Override
    public List<Prompt> prompts(long step, int count) {
        List<Task> tasks = curriculum.take(Split.TRAIN, Seeds.mix(seed, step, 0), count);
        List<Prompt> out = new ArrayList<>(count);
        for (Task t : tasks) {
            out.add(blobsRoot == null ? toPrompt(t.problem(), format) : toPrompt(t.problem(), format, blobsRoot));
        }
        return out;
    }

    /**
     * The rollout prompt of a problem: one user turn with {@link PromptFormat#userText}, its reference answer, the
     * family as source and its difficulty prior.
     *
     * @throws IllegalArgumentException when the problem carries an image
     */
    public static Prompt toPrompt(Problem p, PromptFormat format) {
        if (p.hasImage()) {
            throw new IllegalArgumentException("problem " + p.id() + " carries an image; the learner schedules text"
                    + " problems only (use a TEXT curriculum)");
        }
        return new Prompt(List.of(new ChatMessage("user", format.userText(p))), List.of(), p.answer(), p.family(),
                p.difficultyPrior());
    }

    /**
     * As {@link #toPrompt(Problem, PromptFormat)}, storing an image problem's PNG under {@code blobsRoot}: the user
     * turn keeps the EasyR1 {@code <image>} placeholder of {@link PromptFormat#userText} and
     * {@code imageRefs} holds the image's {@code blob:sha256:} reference.
     */
    public static Prompt toPrompt(Problem p, PromptFormat format, Path blobsRoot) {
        List<String> refs = p.hasImage() ? List.of(ImageBlobs.put(blobsRoot, p.image())) : List.of();
        return new Prompt(List.of(new ChatMessage("user", format.userText(p))), refs, p.answer(), p.family(),
                p.difficultyPrior());
    }
}
