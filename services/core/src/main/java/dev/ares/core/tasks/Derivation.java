package dev.ares.core.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The worked solution of one problem as an ordered list of lines, each tagged with the lowest trace verbosity
 * (0..{@value #MAX_VERBOSITY}) at which it is written. {@link TraceWriter} keeps, in order, the lines whose tag is
 * at most the requested verbosity, so a higher verbosity always contains every line of a lower one.
 *
 * <p>Tags: {@value #RESULT} the bare result (always present), {@value #STEP} intermediate results,
 * {@value #DETAIL} the full mechanical work (columns, carries, readings), {@value #PLAN} narration that plans and
 * concludes, {@value #CHECK} self-checks phrased with reasoning-trigger words ("wait", "check", "let me verify").
 * Every level has at least one line, so the trace length grows strictly with verbosity.
 *
 * @param answer the answer the lines arrive at; equals the problem's answer
 * @param lines  the tagged lines in writing order
 */
public record Derivation(String answer, List<Line> lines) {

    /** Verbosity of the bare result line. */
    public static final int RESULT = 0;
    /** Verbosity of intermediate results. */
    public static final int STEP = 1;
    /** Verbosity of the mechanical detail. */
    public static final int DETAIL = 2;
    /** Verbosity of planning and concluding narration. */
    public static final int PLAN = 3;
    /** Verbosity of self-checks. */
    public static final int CHECK = 4;
    /** Highest verbosity. */
    public static final int MAX_VERBOSITY = CHECK;

    /**
     * One line of the derivation.
     *
     * @param minVerbosity the lowest verbosity that writes this line, 0..{@value #MAX_VERBOSITY}
     * @param text         the line, without a line break
     */
    public record Line(int minVerbosity, String text) {
        /** Rejects verbosities outside 0..4 and texts that are blank or contain a line break. */
        public Line {
            if (minVerbosity < 0 || minVerbosity > MAX_VERBOSITY) {
                throw new IllegalArgumentException("minVerbosity must be in 0.." + MAX_VERBOSITY + ": " + minVerbosity);
            }
            if (text == null || text.isBlank() || text.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("line text must be one non-blank line: '" + text + "'");
            }
        }
    }

    /** Checks that every verbosity 0..4 has at least one line. */
    public Derivation {
        Objects.requireNonNull(answer, "answer");
        lines = List.copyOf(lines);
        for (int v = 0; v <= MAX_VERBOSITY; v++) {
            final int level = v;
            if (lines.stream().noneMatch(l -> l.minVerbosity() == level)) {
                throw new IllegalArgumentException("derivation for answer " + answer + " has no line of verbosity " + v);
            }
        }
    }

    /** The lines written at the given verbosity, in order. */
    public List<String> linesAt(int verbosity) {
        List<String> out = new ArrayList<>();
        for (Line l : lines) {
            if (l.minVerbosity() <= verbosity) {
                out.add(l.text());
            }
        }
        return out;
    }

    /** Starts a derivation that arrives at {@code answer}. */
    public static Builder builder(String answer) {
        return new Builder(answer);
    }

    /** Collects lines in writing order; {@link #build()} validates them. */
    public static final class Builder {
        private final String answer;
        private final List<Line> lines = new ArrayList<>();

        private Builder(String answer) {
            this.answer = answer;
        }

        /** Adds a line with an explicit verbosity tag. */
        public Builder line(int minVerbosity, String text) {
            lines.add(new Line(minVerbosity, text));
            return this;
        }

        /** The bare result line (verbosity 0). */
        public Builder result(String text) {
            return line(RESULT, text);
        }

        /** An intermediate result (verbosity 1). */
        public Builder step(String text) {
            return line(STEP, text);
        }

        /** Mechanical detail (verbosity 2). */
        public Builder detail(String text) {
            return line(DETAIL, text);
        }

        /** Planning or concluding narration (verbosity 3). */
        public Builder plan(String text) {
            return line(PLAN, text);
        }

        /** A self-check (verbosity 4). */
        public Builder check(String text) {
            return line(CHECK, text);
        }

        /** Validates and returns the derivation. */
        public Derivation build() {
            return new Derivation(answer, lines);
        }
    }
}
