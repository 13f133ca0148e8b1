package dev.ares.core.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes think &rarr; derive &rarr; conclude traces from a {@link Derivation} at a chosen verbosity.
 *
 * <p>Output format (aepo-spec.md §10, the ARES response format): {@code "<think>\n"}, the derivation lines written at
 * that verbosity joined by {@code "\n"}, {@code "\n</think> \boxed{" + answer + "}"}. Verbosity 0 is a single result
 * line; verbosity 4 spells out every step and adds self-checks phrased with reasoning-trigger words ("wait", "check",
 * "but", "so", "let me verify", all in the project's trigger vocabulary {@code ares/trigger-words.txt}). Because each verbosity adds lines to the previous one, the trace length in characters (and
 * in tokens of any tokenizer that does not merge across line breaks) grows strictly with verbosity.
 */
public final class TraceWriter {

    /** Lowest verbosity: the bare result. */
    public static final int MIN_VERBOSITY = 0;
    /** Highest verbosity: step by step with self-checks. */
    public static final int MAX_VERBOSITY = Derivation.MAX_VERBOSITY;

    private TraceWriter() {
    }

    /**
     * The trace of {@code task} at {@code verbosity}.
     *
     * @throws IllegalArgumentException if verbosity is outside 0..4
     */
    public static Trace write(Task task, int verbosity) {
        if (verbosity < MIN_VERBOSITY || verbosity > MAX_VERBOSITY) {
            throw new IllegalArgumentException("verbosity must be in 0.." + MAX_VERBOSITY + ", got " + verbosity);
        }
        String answer = task.problem().answer();
        String body = String.join("\n", task.derivation().linesAt(verbosity));
        return new Trace(format(body, answer), verbosity, answer);
    }

    /** The traces of {@code task} at every verbosity 0..4, shortest first. */
    public static List<Trace> variants(Task task) {
        List<Trace> out = new ArrayList<>();
        for (int v = MIN_VERBOSITY; v <= MAX_VERBOSITY; v++) {
            out.add(write(task, v));
        }
        return out;
    }

    /** {@code "<think>\n" + thinking + "\n</think> \boxed{" + answer + "}"}. */
    public static String format(String thinking, String answer) {
        return "<think>\n" + thinking + "\n</think> \\boxed{" + answer + "}";
    }
}
