package dev.ares.core.verify;

/**
 * Splits a response in the ARES prompt format (spec §10: {@code <think> ... </think>} then the answer) into its
 * reasoning and its final content, as vLLM's reasoning parsers return {@code reasoning_content} and
 * {@code content}: the text before {@code </think>} (without a leading {@code <think>}) is reasoning, the text after
 * it is content; a response that opened {@code <think>} and never closed it is all reasoning; a response without
 * {@code <think>} is all content.
 *
 * @param reasoning the reasoning text, or null when there is none
 * @param content   the final content, or null when the response ended inside the reasoning
 */
public record ReasoningSplit(String reasoning, String content) {
    public static final String OPEN = "<think>";
    public static final String CLOSE = "</think>";

    /** Splits {@code text}. */
    public static ReasoningSplit of(String text) {
        String s = text.stripLeading();
        boolean opened = s.startsWith(OPEN);
        int close = s.indexOf(CLOSE);
        if (close >= 0) {
            String reasoning = s.substring(opened ? OPEN.length() : 0, close).strip();
            String content = s.substring(close + CLOSE.length()).strip();
            return new ReasoningSplit(reasoning, content.isEmpty() ? null : content);
        }
        if (opened) {
            return new ReasoningSplit(s.substring(OPEN.length()).strip(), null);
        }
        return new ReasoningSplit(null, text);
    }
}
