package dev.ares.core.tasks;

import java.util.Objects;

/**
 * A generated problem together with the derivation of its answer.
 *
 * @param problem    the plain problem record (what a dataset row holds)
 * @param derivation the worked solution that {@link TraceWriter} turns into traces
 */
public record Task(Problem problem, Derivation derivation) {
    /** Rejects a derivation whose answer differs from the problem's answer. */
    public Task {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(derivation, "derivation");
        if (!problem.answer().equals(derivation.answer())) {
            throw new IllegalArgumentException("derivation answer " + derivation.answer()
                    + " differs from problem answer " + problem.answer() + " for " + problem.id());
        }
    }
}
