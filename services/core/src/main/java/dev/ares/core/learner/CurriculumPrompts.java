package dev.ares.core.learner;

import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompts drawn from the synthetic curriculum's TRAIN split (docs/curriculum.md): the prompts of step s are the first
 * {@code count} tasks of {@code curriculum.stream(TRAIN, Seeds.mix(seed, s, 0))}. Held-out problems are never
 * drawn. Text problems only: an image problem would need a blob store reference (architecture.md §3), so the
 * curriculum must be a text one ({@link dev.ares.core.tasks.Modality#TEXT}).
 */
public final class CurriculumPrompts implements PromptSource {
    private final Curriculum curriculum;
    private final long seed;
    private final PromptFormat format;

    /**
     * @param curriculum a text curriculum
     * @param seed       base seed of the run
     * @param format     how a problem becomes the user turn
     */
    public CurriculumPrompts(Curriculum curriculum, long seed, PromptFormat format) {
        this.curriculum = curriculum;
        this.seed = seed;
        this.format = format;
    }

    @Override
    public List<Prompt> prompts(long step, int count) {
        List<Task> tasks = curriculum.take(Split.TRAIN, Seeds.mix(seed, step, 0), count);
        List<Prompt> out = new ArrayList<>(count);
        for (Task t : tasks) {
            out.add(toPrompt(t.problem(), format));
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
}
