package dev.ares.model.generation;

import dev.ares.core.aepo.Windows;

/**
 * How the branch decision measures window entropy (aepo-spec §2, §3.3): the window width {@code w} and its
 * placement relative to the trigger (anchor) token. Use the values the reward service scores with
 * ({@code AepoConfig.window()}, {@code AepoConfig.windowMode()}), so that a branch point is exactly an HWE event.
 *
 * @param width tokens in the window, {@code >= 1} (spec default 4)
 * @param mode  {@link Windows.Mode#FORWARD_EXCLUSIVE} (code: mean of H[a+1 .. a+w]) or
 *              {@link Windows.Mode#FORWARD_INCLUSIVE} (paper Eq. 4: mean of H[a .. a+w-1])
 */
public record HweWindow(int width, Windows.Mode mode) {
    public HweWindow {
        if (width < 1) {
            throw new IllegalArgumentException("HweWindow.width must be >= 1, got " + width);
        }
        if (mode == null) {
            throw new IllegalArgumentException("HweWindow.mode must not be null");
        }
    }

    /** The official code's window: 4 tokens after the trigger (aepo-spec §2.2, §3.3). */
    public static HweWindow codeDefault() {
        return new HweWindow(4, Windows.Mode.FORWARD_EXCLUSIVE);
    }

    /**
     * The anchor whose window ends at token {@code last} (the newest token of a sequence), or {@code -1} when that
     * window would start before token 0.
     */
    public int anchorEndingAt(int last) {
        int a = mode == Windows.Mode.FORWARD_EXCLUSIVE ? last - width : last - width + 1;
        return a >= 0 ? a : -1;
    }

    /**
     * The anchor a rollout decides on once token {@code last} is sampled: its window is complete and its word-level
     * trigger flag is final (a flag is known one token after its own, {@code WordTriggerMatcher}). That is
     * {@link #anchorEndingAt} except for the inclusive window of width 1, whose anchor waits one more token.
     *
     * @param last index of the newest token
     * @return the anchor index, or -1 when none is decided yet
     */
    public int anchorDecidedAt(int last) {
        int a = Math.min(anchorEndingAt(last), last - 1);
        return a >= 0 ? a : -1;
    }

    /** Tokens a window of anchor {@code a} spans, counted from {@code a}: {@code w + 1} (exclusive) or {@code w}. */
    int span() {
        return mode == Windows.Mode.FORWARD_EXCLUSIVE ? width + 1 : width;
    }
}
