package dev.ares.core.trigger;

/**
 * Streaming word-level trigger detection over a growing response (spec §3.2 step 3 and §3.3, with the limitation
 * "a word split into several sub-tokens can never match" lifted; docs/aepo.md "Trigger words across sub-tokens").
 *
 * <p>Tokens are pushed one at a time in sampling order. Their texts (from the {@link TriggerTable}) are
 * concatenated; a <em>word</em> is a maximal run of letters, digits and inner apostrophes. When a word is complete
 * (the next character is a space, punctuation, a special token or the end of the response) and, lower-cased, it is
 * in the trigger vocabulary, the position of the token that holds the word's <em>last</em> character is flagged.
 * So {@code Ġwa}+{@code it}+{@code ,} flags the {@code it} position, {@code Ġwait}+{@code ing} flags nothing, and a
 * single-token trigger followed by a boundary is flagged exactly as the per-token table of spec §14 would.
 *
 * <p>Because completion is only known at the next token, a flag is written for position {@code pos - 1} or
 * {@code pos} while token {@code pos} is pushed, and for the last position by {@link #finish}. The HWE rule needs
 * the {@code w} tokens after an anchor anyway, so a rollout sees every flag before it tests the anchor.
 * Not thread-safe: one matcher per response.
 */
public final class WordTriggerMatcher {
    /** Longer words are never triggers; the buffer stops growing and the word is marked unmatchable. */
    static final int MAX_WORD = 48;

    private final TriggerTable table;
    private final StringBuilder word = new StringBuilder(MAX_WORD);
    private boolean overflow;
    /** Position of the token that holds the last word character seen, or -1 when no word is open. */
    private int lastPos = -1;

    WordTriggerMatcher(TriggerTable table) {
        this.table = table;
    }

    /**
     * Feeds the token at position {@code pos} (positions must be pushed in order 0, 1, 2, ...).
     *
     * @param tokenId the sampled token id
     * @param flags the response's trigger flags; {@code flags[pos - 1]} or {@code flags[pos]} may be set to true
     * @param pos this token's position in the response
     * @throws IndexOutOfBoundsException for an id outside the table's vocabulary
     */
    public void push(int tokenId, boolean[] flags, int pos) {
        String text = table.text(tokenId);
        if (text == null) { // special or unused id: a hard boundary
            complete(flags);
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean letter = Character.isLetterOrDigit(c);
            if (letter || (isApostrophe(c) && word.length() > 0)) {
                if (word.length() < MAX_WORD) {
                    word.append(Character.toLowerCase(c));
                } else {
                    overflow = true;
                }
                if (letter) {
                    lastPos = pos; // a trailing apostrophe does not move the flag off the word's last letter
                }
            } else {
                complete(flags);
            }
        }
    }

    /**
     * Ends the response: a word still open is complete.
     *
     * @param flags the response's trigger flags
     */
    public void finish(boolean[] flags) {
        complete(flags);
    }

    /** Forgets any open word, as at the start of a response. */
    public void reset() {
        word.setLength(0);
        overflow = false;
        lastPos = -1;
    }

    private void complete(boolean[] flags) {
        if (lastPos >= 0 && !overflow) {
            int end = word.length();
            while (end > 0 && isApostrophe(word.charAt(end - 1))) {
                end--;
            }
            if (end > 0 && table.words().contains(word.substring(0, end))) {
                flags[lastPos] = true;
            }
        }
        reset();
    }

    private static boolean isApostrophe(char c) {
        return c == '\'' || c == '\u2019';
    }
}
