package dev.ares.core.tasks;

/**
 * A generator of problems of one kind at difficulty levels {@value #MIN_LEVEL}..{@value #MAX_LEVEL}.
 *
 * <p>Contract: {@link #generate(int, long)} is a pure function of (level, seed): the same arguments give an
 * equal {@link Task}, byte-identical image included, on every run and machine. The answer is computed exactly
 * (integer arithmetic or a total order), never estimated.
 */
public interface TaskFamily {

    /** Lowest difficulty level. */
    int MIN_LEVEL = 1;
    /** Highest difficulty level. */
    int MAX_LEVEL = 5;

    /** Stable family name, used in problem ids, dataset rows and curriculum weights, e.g. {@code "addition"}. */
    String name();

    /** Text or image. */
    Modality modality();

    /**
     * Generates one task.
     *
     * @param level difficulty 1..5
     * @param seed  any long; equal seeds give equal tasks
     * @return the problem and the derivation of its answer
     * @throws IllegalArgumentException if level is outside 1..5
     */
    Task generate(int level, long seed);

    /** Throws {@link IllegalArgumentException} unless {@code level} is in 1..5. */
    static void checkLevel(String family, int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException(family + ": level must be in " + MIN_LEVEL + ".." + MAX_LEVEL + ", got " + level);
        }
    }
}
