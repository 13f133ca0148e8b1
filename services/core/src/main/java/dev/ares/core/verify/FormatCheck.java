package dev.ares.core.verify;

import java.util.regex.Pattern;

/**
 * The response format check of spec §10: the response is {@code <think>…</think>} followed by text containing a
 * complete {@code \boxed{…}}. Like the official full-match regex it requires the response to begin with
 * {@code <think>} (leading whitespace is tolerated here); unlike it, the boxed answer must have balanced braces and
 * lie after {@code </think>}, and exactly one think block is allowed.
 */
public final class FormatCheck {
    private static final Pattern SHAPE = Pattern.compile("\\s*<think>(.*?)</think>(.*)", Pattern.DOTALL);

    private FormatCheck() {
    }

    /**
     * @param response the full model response
     * @return true when the format holds
     */
    public static boolean check(String response) {
        if (response == null) {
            return false;
        }
        var m = SHAPE.matcher(response);
        if (!m.matches()) {
            return false;
        }
        String after = m.group(2);
        if (after.contains("<think>") || after.contains("</think>") || m.group(1).contains("<think>")) {
            return false;
        }
        return BoxedAnswer.extractLast(after).filter(s -> !s.isBlank()).isPresent();
    }
}
