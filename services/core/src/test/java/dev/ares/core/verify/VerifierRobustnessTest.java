package dev.ares.core.verify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded fuzzing: arbitrary LaTeX-like input (unbalanced braces, stray commands) never throws. */
class VerifierRobustnessTest {
    private static final String[] PIECES = {"\\frac", "{", "}", "\\sqrt", "[", "]", "(", ")", "1", "2", "x", "y",
        "^", "_", "\\left", "\\right", "|", ",", "=", "+", "-", "*", "/", "\\pi", "\\infty", "\\%", "\\text{cm}",
        "\\{", "\\}", "\\cup", " ", ".", "\\boxed", "\\sin", "e", "\\dfrac", "^\\circ", "A", "\\\\", "&", "!", "$"};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void arbitraryInputNeverThrows(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < 400; k++) {
            String a = random(rnd);
            String b = random(rnd);
            assertDoesNotThrow(() -> AnswerVerifier.verify(a, b), () -> "verify(" + a + ", " + b + ")");
            assertDoesNotThrow(() -> AnswerVerifier.grade("<think>t</think>\\boxed{" + a + "}", b));
            assertDoesNotThrow(() -> FormatCheck.check(a));
            Verdict v = AnswerVerifier.verify(a, b);
            assertTrue(v.method() != null && !v.method().isEmpty());
        }
    }

    private static String random(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }
}
