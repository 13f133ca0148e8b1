package dev.ares.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The linear {@link BoxedAnswer#extractLast} (reliability.md scenario 8) agrees with the direct definition (scan
 * back over the boxed commands, match each one's brace with {@link BoxedAnswer#matchBrace}) on seeded random
 * texts, and stays fast on the input that made the direct definition quadratic.
 */
class BoxedAnswerLinearTest {
    private static final String[] PIECES = {"\\boxed", "\\fbox", "{", "}", "\\{", "\\}", " ", "x", "42", "$", "\\\\",
        "\\boxedx", "\n"};

    /** The direct definition, quadratic in the worst case. */
    private static Optional<String> reference(String text) {
        int from = text.length();
        while (from > 0) {
            int boxed = text.lastIndexOf("\\boxed", from - 1);
            int fbox = text.lastIndexOf("\\fbox", from - 1);
            int at = Math.max(boxed, fbox);
            if (at < 0) {
                return Optional.empty();
            }
            int p = at + (at == boxed ? 6 : 5);
            int i = p;
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            if (i < text.length()) {
                if (text.charAt(i) == '{') {
                    int end = BoxedAnswer.matchBrace(text, i);
                    if (end >= 0) {
                        return Optional.of(text.substring(i + 1, end));
                    }
                } else if (i > p) {
                    int j = i;
                    while (j < text.length() && !Character.isWhitespace(text.charAt(j)) && text.charAt(j) != '$') {
                        j++;
                    }
                    if (j > i) {
                        return Optional.of(text.substring(i, j));
                    }
                }
            }
            from = at;
        }
        return Optional.empty();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void agreesWithTheDirectDefinition(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < 2000; k++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(30);
            for (int i = 0; i < n; i++) {
                sb.append(PIECES[rnd.nextInt(PIECES.length)]);
            }
            String text = sb.toString();
            assertEquals(reference(text), BoxedAnswer.extractLast(text), text);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {20_000, 80_000})
    void unclosedBoxesTakeLinearTime(int count) {
        // Every unclosed box from the end backwards must be given up on before the closed one at the start is found.
        String text = "\\fbox{7} " + "\\boxed{".repeat(count);
        long t0 = System.nanoTime();
        assertEquals(Optional.of("7"), BoxedAnswer.extractLast(text));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // The direct definition needs minutes for 80 000 (about 0.5 M chars); linear work is milliseconds.
        assertTrue(ms < 2000, count + " unclosed boxes took " + ms + " ms");
    }
}
