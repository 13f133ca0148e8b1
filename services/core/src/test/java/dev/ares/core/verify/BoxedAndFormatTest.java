package dev.ares.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Boxed-answer extraction, the format check of spec §10 and full-response grading. */
class BoxedAndFormatTest {

    @Test
    void extractsTheLastBoxedWithNestedBraces() {
        assertEquals(Optional.of("\\frac{1}{2}"), BoxedAnswer.extractLast("so \\boxed{3} wait, \\boxed{\\frac{1}{2}}."));
        assertEquals(Optional.of("\\{1,\\{2\\}\\}"), BoxedAnswer.extractLast("\\boxed{\\{1,\\{2\\}\\}}"));
        assertEquals(Optional.of("a^{b^{c}}"), BoxedAnswer.extractLast("x \\boxed {a^{b^{c}}} y"));
        assertEquals(Optional.of("42"), BoxedAnswer.extractLast("answer: \\boxed 42$"));
        assertEquals(Optional.of("7"), BoxedAnswer.extractLast("\\fbox{7}"));
        // an unterminated last box falls back to the previous complete one
        assertEquals(Optional.of("5"), BoxedAnswer.extractLast("\\boxed{5} and then \\boxed{6"));
        assertEquals(Optional.empty(), BoxedAnswer.extractLast("no box here"));
        assertEquals(Optional.empty(), BoxedAnswer.extractLast("\\boxedx"));
        assertEquals(Optional.empty(), BoxedAnswer.extractLast(null));
    }

    @Test
    void formatNeedsThinkThenBoxedAfterIt() {
        assertTrue(FormatCheck.check("<think>try 2+2</think> The answer is \\boxed{4}."));
        assertTrue(FormatCheck.check("\n<think>\nmulti\nline\n</think>\n\\boxed{x^{2}}"));
        assertFalse(FormatCheck.check("The answer is \\boxed{4}."), "no think block");
        assertFalse(FormatCheck.check("<think>\\boxed{4}</think> so four"), "boxed only inside think");
        assertFalse(FormatCheck.check("<think>a</think> \\boxed{4"), "unbalanced box");
        assertFalse(FormatCheck.check("<think>a</think><think>b</think>\\boxed{1}"), "two think blocks");
        assertFalse(FormatCheck.check("intro <think>a</think>\\boxed{1}"), "text before think");
        assertFalse(FormatCheck.check("<think>a</think> \\boxed{ }"), "empty box");
    }

    @Test
    void gradesFullResponses() {
        assertEquals(new Verdict(true, "numeric"),
                AnswerVerifier.grade("<think>..</think> \\boxed{\\dfrac{3}{6}}", "0.5"));
        assertEquals(new Verdict(false, "missing"), AnswerVerifier.grade("I think it is 0.5", "0.5"));
        assertTrue(AnswerVerifier.grade("first \\boxed{1}, final \\boxed{2}", "2").correct());
        assertFalse(AnswerVerifier.grade("first \\boxed{2}, final \\boxed{1}", "2").correct());
    }

    @Test
    void normalisesLatexToPlainForms() {
        assertEquals("((1)/(2))", LatexNormalizer.normalize("\\dfrac{1}{2}"));
        assertEquals("sqrt(2)", LatexNormalizer.normalize("\\sqrt{2}"));
        assertEquals("((8)^(1/(3)))", LatexNormalizer.normalize("\\sqrt[3]{8}"));
        assertEquals("(0,1]", LatexNormalizer.normalize("\\left( 0, 1 \\right]"));
        assertEquals("{1,2}", LatexNormalizer.normalize("\\{1, 2\\}"));
        assertEquals("1234567", LatexNormalizer.normalize("1,234,567"));
        assertEquals("30", LatexNormalizer.normalize("30^{\\circ}"));
        assertEquals("12", LatexNormalizer.normalize("12\\text{ cm}^2"));
        assertEquals("50%", LatexNormalizer.normalize("50\\%"));
        assertEquals("(-oo,3)", LatexNormalizer.normalize("(-\\infty, 3)"));
        assertEquals("2*pi", LatexNormalizer.normalize("2 \\cdot \\pi"));
    }
}
