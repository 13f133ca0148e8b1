package dev.ares.inference;

/**
 * Splits a response into {@code reasoning_content} and {@code content} incrementally, so that the deltas of a stream
 * concatenate exactly to the non-streaming fields (which are produced by feeding the whole text at once).
 *
 * <p>Rule (vLLM's reasoning parsers for {@code <think>} models; docs/inference.md): a response is reasoning from its
 * start when the prompt left {@code <think>} open or the response begins (after whitespace) with {@code <think>};
 * the reasoning ends at {@code </think>} and everything after it is content. Otherwise it is all content. Leading
 * whitespace of the reasoning and of the content is dropped. A possible partial {@code <think>} at the start and a
 * possible partial {@code </think>} at the end are held back until resolved.
 */
final class ReasoningStream {
    static final String OPEN = "<think>";
    static final String CLOSE = "</think>";

    /** Text that newly belongs to the reasoning and to the content. */
    record Delta(String reasoning, String content) {
        boolean isEmpty() {
            return reasoning.isEmpty() && content.isEmpty();
        }
    }

    private final StringBuilder text = new StringBuilder();
    private final boolean openFromPrompt;
    private int reasoningSent;   // chars of the final reasoning sent
    private int contentSent;
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder content = new StringBuilder();
    private boolean hadReasoning;

    /** @param openFromPrompt true when the prompt ends inside an open {@code <think>} */
    ReasoningStream(boolean openFromPrompt) {
        this.openFromPrompt = openFromPrompt;
    }

    /** Adds raw text; returns what became final. */
    Delta append(String delta) {
        text.append(delta);
        return emit(false);
    }

    /** The text ended: returns everything held back. */
    Delta finish() {
        return emit(true);
    }

    /** Whole reasoning so far (null when the response has none). */
    String reasoning() {
        return hadReasoning ? reasoning.toString() : null;
    }

    /** Whole content so far (null when empty). */
    String content() {
        return content.length() == 0 ? null : content.toString();
    }

    private Delta emit(boolean end) {
        String s = text.toString();
        String lead = s.stripLeading();
        int offset = s.length() - lead.length();
        boolean opened;
        if (openFromPrompt) {
            opened = true;
        } else if (lead.startsWith(OPEN)) {
            opened = true;
        } else if (!end && OPEN.startsWith(lead)) {
            return new Delta("", "");                                  // could still become <think>
        } else {
            opened = false;
        }
        String fullReasoning;
        String fullContent;
        if (opened) {
            hadReasoning = true;
            int start = openFromPrompt && !lead.startsWith(OPEN) ? offset : offset + (lead.startsWith(OPEN) ? OPEN.length() : 0);
            int close = s.indexOf(CLOSE, start);
            if (close >= 0) {
                fullReasoning = s.substring(start, close).stripLeading();
                fullContent = s.substring(close + CLOSE.length()).stripLeading();
            } else {
                String r = s.substring(start).stripLeading();
                if (!end) {
                    r = r.substring(0, r.length() - partialSuffix(r, CLOSE));
                }
                fullReasoning = r;
                fullContent = "";
            }
        } else {
            fullReasoning = "";
            fullContent = s.stripLeading();
        }
        String rd = fullReasoning.length() > reasoningSent ? fullReasoning.substring(reasoningSent) : "";
        String cd = fullContent.length() > contentSent ? fullContent.substring(contentSent) : "";
        reasoningSent += rd.length();
        contentSent += cd.length();
        reasoning.append(rd);
        content.append(cd);
        return new Delta(rd, cd);
    }

    /** Length of the longest suffix of {@code s} that is a proper prefix of {@code marker}. */
    private static int partialSuffix(String s, String marker) {
        for (int k = Math.min(marker.length() - 1, s.length()); k > 0; k--) {
            if (s.regionMatches(s.length() - k, marker, 0, k)) {
                return k;
            }
        }
        return 0;
    }
}
