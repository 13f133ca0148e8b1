package dev.ares.core.verify;

/**
 * Result of comparing a prediction with a reference answer.
 *
 * @param correct whether the answers are judged equivalent
 * @param method how the decision was made: {@code string}, {@code choice}, {@code numeric}, {@code symbolic},
 *               {@code structure}, {@code text}, {@code none} (no rule matched), {@code missing} (no answer)
 */
public record Verdict(boolean correct, String method) {
}
