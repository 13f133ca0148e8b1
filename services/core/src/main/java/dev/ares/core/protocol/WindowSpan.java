package dev.ares.core.protocol;

/**
 * A validated high-window-entropy window of a trajectory, as token positions (aepo-spec, HWE windows).
 *
 * @param start first token index of the window, {@code >= 0}
 * @param end   index one past the last token of the window (exclusive), {@code > start}
 */
public record WindowSpan(int start, int end) {
    public WindowSpan {
        Checks.atLeast(start, 0, "WindowSpan.start");
        if (end <= start) {
            throw new IllegalArgumentException("WindowSpan.end must be > start = " + start + ", got " + end);
        }
    }

    /** Number of tokens in the window. */
    public int length() {
        return end - start;
    }
}
