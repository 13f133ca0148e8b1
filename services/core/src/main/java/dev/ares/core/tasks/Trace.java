package dev.ares.core.tasks;

/**
 * One reasoning trace in the ARES response format (aepo-spec.md §10):
 * {@code <think>\n...lines...\n</think> \boxed{answer}}.
 *
 * @param text      the full response text
 * @param verbosity the verbosity it was written at, 0..4
 * @param answer    the answer inside {@code \boxed{}}
 */
public record Trace(String text, int verbosity, String answer) {
}
