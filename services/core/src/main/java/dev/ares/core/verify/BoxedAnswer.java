package dev.ares.core.verify;

import java.util.Optional;

/**
 * Extraction of the final answer from a model response: the content of the <em>last</em> {@code \boxed{…}}
 * (or {@code \fbox{…}}), with nested braces balanced (spec §10, official {@code extract_boxed_content}).
 * The unbraced form {@code \boxed 42} takes the following token up to whitespace or {@code $}.
 */
public final class BoxedAnswer {
    private BoxedAnswer() {
    }

    /**
     * @param text a model response (may be null)
     * @return the content of the last complete boxed expression, or empty when there is none or its braces never
     *     close
     */
    public static Optional<String> extractLast(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int from = text.length();
        while (from > 0) {
            int boxed = text.lastIndexOf("\\boxed", from - 1);
            int fbox = text.lastIndexOf("\\fbox", from - 1);
            int at = Math.max(boxed, fbox);
            if (at < 0) {
                return Optional.empty();
            }
            int p = at + (at == boxed ? "\\boxed".length() : "\\fbox".length());
            Optional<String> content = contentAt(text, p);
            if (content.isPresent()) {
                return content;
            }
            from = at;
        }
        return Optional.empty();
    }

    /** Content of a braced group starting at or after {@code p} (spaces skipped), or of an unbraced token. */
    private static Optional<String> contentAt(String text, int p) {
        int i = p;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        if (i >= text.length()) {
            return Optional.empty();
        }
        if (text.charAt(i) == '{') {
            int end = matchBrace(text, i);
            return end < 0 ? Optional.empty() : Optional.of(text.substring(i + 1, end));
        }
        if (i == p) {
            return Optional.empty(); // "\boxedx" is another command name: the unbraced form needs a space
        }
        int j = i;
        while (j < text.length() && !Character.isWhitespace(text.charAt(j)) && text.charAt(j) != '$') {
            j++;
        }
        return j > i ? Optional.of(text.substring(i, j)) : Optional.empty();
    }

    /**
     * @param s text
     * @param open index of an opening brace
     * @return index of its matching closing brace (escaped {@code \{ \}} are skipped), or −1
     */
    public static int matchBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
                i++;
                continue;
            }
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }
}
