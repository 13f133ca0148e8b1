package dev.ares.core.protocol;

/**
 * Generation cost of one trajectory (architecture.md §3).
 *
 * @param generationMillis wall-clock milliseconds spent generating this trajectory, {@code >= 0}
 * @param promptTokens     tokens in the prompt that was prefilled, {@code >= 0}
 * @param generatedTokens  tokens generated (equals the trajectory length), {@code >= 0}
 */
public record Timings(long generationMillis, int promptTokens, int generatedTokens) {
    public Timings {
        Checks.nonNegative(generationMillis, "Timings.generationMillis");
        Checks.atLeast(promptTokens, 0, "Timings.promptTokens");
        Checks.atLeast(generatedTokens, 0, "Timings.generatedTokens");
    }
}
