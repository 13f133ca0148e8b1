package dev.ares.core.data;

import dev.ares.core.tasks.Problem;
import java.util.List;
import java.util.Objects;

/**
 * One problem of the AdaCS pool: the problem, its data source (L(0) and L(1) are computed per source), its pass rate
 * and its candidate responses.
 *
 * @param problem  the problem (prompt, answer, optional image)
 * @param source   data-source name; for the curriculum the family name
 * @param passRate measured or prior pass rate
 * @param options  at least one candidate response
 */
public record CsItem(Problem problem, String source, PassRate passRate, List<CsOption> options) {
    /** Validates that there is at least one option. */
    public CsItem {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(passRate, "passRate");
        options = List.copyOf(options);
        if (options.isEmpty()) {
            throw new IllegalArgumentException("AdaCS item " + problem.id() + " has no candidate response");
        }
    }
}
