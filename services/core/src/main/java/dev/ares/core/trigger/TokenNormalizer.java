package dev.ares.core.trigger;

import java.util.Locale;

/**
 * Normalises one decoded vocabulary entry for trigger matching (spec §3.2 step 3, §14; architecture §5): maps the
 * byte-level BPE markers {@code Ġ} (space), {@code Ċ} (newline), {@code ĉ} (tab) and the SentencePiece marker
 * {@code ▁} to whitespace, strips surrounding whitespace and punctuation, and lower-cases (Locale.ROOT).
 * Byte-fallback pieces such as {@code <0x0A>} and special tokens such as {@code <|im_end|>} normalise to the empty
 * string. {@code "ĠHowever,"} → {@code "however"}; {@code "▁but"} → {@code "but"}.
 */
public final class TokenNormalizer {
    private TokenNormalizer() {
    }

    /**
     * @param token decoded token text (may be null)
     * @return the normalised word, possibly empty
     */
    public static String normalize(String token) {
        if (token == null || token.isEmpty()) {
            return "";
        }
        String t = token.strip();
        if (t.startsWith("<") && t.endsWith(">")) {
            return ""; // <0x0A>, <|endoftext|>, <think>, …
        }
        StringBuilder sb = new StringBuilder(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            switch (c) {
                case '\u0120', '\u010A', '\u0109', '\u2581' -> sb.append(' ');
                default -> sb.append(c);
            }
        }
        int start = 0;
        int end = sb.length();
        while (start < end && !Character.isLetterOrDigit(sb.charAt(start))) {
            start++;
        }
        while (end > start && !Character.isLetterOrDigit(sb.charAt(end - 1))) {
            end--;
        }
        return sb.substring(start, end).toLowerCase(Locale.ROOT);
    }
}
