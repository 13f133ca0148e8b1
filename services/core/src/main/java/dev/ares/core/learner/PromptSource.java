package dev.ares.core.learner;

import dev.ares.core.protocol.Prompt;
import java.util.List;

/**
 * Where the learner's prompts come from (architecture.md §4 step 1). Implementations are deterministic: the
 * prompts of a step depend only on the step number, so a resumed learner re-issues the same prompts.
 */
public interface PromptSource {

    /**
     * @param step  learner step, {@code >= 0}
     * @param count number of prompts, {@code >= 1}
     * @return exactly {@code count} prompts for the groups of {@code step}, in group-index order
     */
    List<Prompt> prompts(long step, int count);
}
