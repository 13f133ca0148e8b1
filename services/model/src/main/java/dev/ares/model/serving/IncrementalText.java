package dev.ares.model.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The text of one generated sequence, grown one token at a time, with the stop-string rule (OpenAI and vLLM
 * semantics: generation ends when the text contains a stop string, and the returned text ends just before it).
 *
 * <p>Each {@link #append} returns the text that became final with that token. Two things are held back: a trailing
 * incomplete UTF-8 sequence (byte-level BPE tokens can split a character; the decoder shows it as U+FFFD) and a
 * trailing piece that could still grow into a stop string. The deltas therefore concatenate exactly to
 * {@link #finish()}'s text. Only ids not yet committed are decoded again (committed ids ended on a complete
 * character with nothing held back, and byte-level decoding is concatenative at such boundaries).
 */
final class IncrementalText {
    private static final char REPLACEMENT = '\uFFFD';
    private final Function<int[], String> decoder;
    private final List<String> stops;
    private final int longestStop;
    private final List<Integer> pendingIds = new ArrayList<>();
    private final StringBuilder committed = new StringBuilder();
    private String pendingText = "";
    private int emitted;
    private String finalText;
    private boolean hitStop;

    /**
     * @param decoder ids to text (special tokens included)
     * @param stops   stop strings, possibly empty
     */
    IncrementalText(Function<int[], String> decoder, List<String> stops) {
        this.decoder = decoder;
        this.stops = List.copyOf(stops);
        int longest = 0;
        for (String s : stops) {
            longest = Math.max(longest, s.length());
        }
        this.longestStop = longest;
    }

    /**
     * Adds one generated token that is part of the text (an end-of-sequence token is not).
     *
     * @return the newly final text, possibly empty
     */
    String append(int id) {
        if (finalText != null) {
            throw new IllegalStateException("the text already ended");
        }
        pendingIds.add(id);
        int[] ids = new int[pendingIds.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = pendingIds.get(i);
        }
        pendingText = decoder.apply(ids);
        String full = committed + pendingText;
        if (!stops.isEmpty()) {
            int from = Math.max(0, committed.length() - longestStop);
            int at = -1;
            for (String s : stops) {
                int i = full.indexOf(s, from);
                if (i >= 0 && (at < 0 || i < at)) {
                    at = i;
                }
            }
            if (at >= 0) {
                hitStop = true;
                finalText = full.substring(0, Math.max(at, emitted));
                return take(finalText);
            }
        }
        int hold = 0;
        if (!pendingText.isEmpty() && pendingText.charAt(pendingText.length() - 1) == REPLACEMENT) {
            hold = pendingText.length();
        } else {
            hold = stopPrefixHeld(full);
        }
        String safe = full.substring(0, full.length() - hold);
        String delta = take(safe);
        if (hold == 0) {
            committed.append(pendingText);
            pendingIds.clear();
            pendingText = "";
        }
        return delta;
    }

    /** True once a stop string ended the text. */
    boolean stopped() {
        return hitStop;
    }

    /** Ends the text; returns the text not yet returned by {@link #append}. */
    String flush() {
        if (finalText == null) {
            finalText = committed + pendingText;
        }
        return take(finalText);
    }

    /** The whole text once {@link #flush()} or a stop string ended it. */
    String finish() {
        flush();
        return finalText;
    }

    private String take(String upTo) {
        if (upTo.length() <= emitted) {
            return "";
        }
        String d = upTo.substring(emitted);
        emitted = upTo.length();
        return d;
    }

    /** Length of the longest suffix of {@code full} that is a proper prefix of a stop string. */
    private int stopPrefixHeld(String full) {
        int best = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, full.length()); k > best; k--) {
                if (full.regionMatches(full.length() - k, s, 0, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }
}
