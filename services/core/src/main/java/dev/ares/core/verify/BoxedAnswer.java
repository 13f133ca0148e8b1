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
        // Linear in the length of the text (reliability.md scenario 8): braces are matched once, in one pass, and
        // each backward search resumes where the previous one stopped. Scanning to the end of the text for every
        // unclosed "\boxed{" made 700 kB of them take minutes.
        int[] close = matchAll(text);
        int from = text.length();
        int boxed = text.lastIndexOf("\\boxed", from - 1);
        int fbox = text.lastIndexOf("\\fbox", from - 1);
        while (from > 0) {
            int at = Math.max(boxed, fbox);
            if (at < 0) {
                return Optional.empty();
            }
            int p = at + (at == boxed ? "\\boxed".length() : "\\fbox".length());
            Optional<String> content = contentAt(text, p, close);
            if (content.isPresent()) {
                return content;
            }
            from = at;
            if (at == boxed) {
                boxed = from > 0 ? text.lastIndexOf("\\boxed", from - 1) : -1;
            } else {
                fbox = from > 0 ? text.lastIndexOf("\\fbox", from - 1) : -1;
            }
        }
        return Optional.empty();
    }

    /** For every index holding an opening brace, the index of its matching closing brace or -1; as {@link #matchBrace}. */
    private static int[] matchAll(String s) {
        int[] close = new int[s.length()];
        java.util.Arrays.fill(close, -1);
        int[] stack = new int[16];
        int top = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
                i++;
                continue;
            }
            if (c == '{') {
                if (top == stack.length) {
                    stack = java.util.Arrays.copyOf(stack, top * 2);
                }
                stack[top++] = i;
            } else if (c == '}' && top > 0) {
                close[stack[--top]] = i;
            }
        }
        return close;
    }

    /** Content of a braced group starting at or after {@code p} (spaces skipped), or of an unbraced token. */
    private static Optional<String> contentAt(String text, int p, int[] close) {
        int i = p;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        if (i >= text.length()) {
            return Optional.empty();
        }
        if (text.charAt(i) == '{') {
            int end = close[i];
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
