package dev.ares.core.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every trace of every family, level and verbosity: ARES format, correct boxed answer, strictly growing length, and
 * every arithmetic equation written in it true.
 */
class TraceWriterTest {

    private static final Pattern FORMAT = Pattern.compile("^<think>\\n.+\\n</think> \\\\boxed\\{([^{}]+)\\}$", Pattern.DOTALL);
    private static final String TERM = "(?:\\(-?\\d+\\)|(?<![\\w)])-?\\d+)";
    private static final String EXPR = TERM + "(?: [-+×/] " + TERM + ")*";
    private static final Pattern CHAIN = Pattern.compile("(?<![\\w(])(" + EXPR + ")((?: = " + EXPR + ")+)(?![\\w×])");

    @Test
    void everyTraceIsWellFormedCorrectAndLongerWithVerbosity() {
        int equations = 0;
        for (TaskFamily f : TaskFamilies.all()) {
            for (int level = 1; level <= 5; level++) {
                for (long seed = 0; seed < 40; seed++) {
                    Task t = f.generate(level, seed);
                    List<Trace> variants = TraceWriter.variants(t);
                    assertEquals(5, variants.size());
                    int prevLength = -1;
                    for (Trace tr : variants) {
                        Matcher m = FORMAT.matcher(tr.text());
                        assertTrue(m.matches(), "format: " + tr.text());
                        assertEquals(t.problem().answer(), m.group(1), "boxed answer of " + t.problem().id());
                        assertTrue(tr.text().length() > prevLength, "length grows with verbosity: " + t.problem().id());
                        prevLength = tr.text().length();
                        equations += checkEquations(tr.text(), t.problem().id());
                    }
                    String terse = variants.get(0).text().toLowerCase(Locale.ROOT);
                    String full = variants.get(4).text().toLowerCase(Locale.ROOT);
                    assertFalse(terse.contains("wait") || terse.contains("verify"), "terse has no self-check: " + terse);
                    assertTrue(full.contains("wait") || full.contains("let me verify") || full.contains("check"),
                            "verbose trace self-checks: " + full);
                    assertEquals(1, variants.get(0).text().split("\n").length - 2, "verbosity 0 is one line of thought");
                }
            }
        }
        assertTrue(equations > 5000, "the checker saw the equations: " + equations);
    }

    /** Checks every "e1 = e2 = ..." chain of integer expressions in the text; returns how many were checked. */
    static int checkEquations(String text, String id) {
        int n = 0;
        for (String line : text.split("\n")) {
            Matcher m = CHAIN.matcher(line);
            while (m.find()) {
                List<String> sides = new ArrayList<>();
                sides.add(m.group(1));
                for (String s : m.group(2).substring(3).split(" = ")) {
                    sides.add(s);
                }
                if (sides.stream().noneMatch(s -> s.matches(".*\\d [-+×/] .*"))) {
                    continue; // "x = 3" style statements carry no arithmetic
                }
                long first = eval(sides.get(0), line, id);
                for (String s : sides.subList(1, sides.size())) {
                    assertEquals(first, eval(s, line, id), "false equation in " + id + ": " + line);
                }
                n++;
            }
        }
        return n;
    }

    /** Evaluates "a op b op c" with × and / before + and -; / must divide exactly. */
    static long eval(String expr, String line, String id) {
        String[] tok = expr.split(" ");
        List<Long> terms = new ArrayList<>();
        List<Character> ops = new ArrayList<>();
        long cur = num(tok[0]);
        for (int i = 1; i < tok.length; i += 2) {
            char op = tok[i].charAt(0);
            long v = num(tok[i + 1]);
            if (op == '×') {
                cur *= v;
            } else if (op == '/') {
                assertEquals(0, cur % v, "inexact division in " + id + ": " + line);
                cur /= v;
            } else {
                terms.add(cur);
                ops.add(op);
                cur = v;
            }
        }
        terms.add(cur);
        long acc = terms.get(0);
        for (int i = 0; i < ops.size(); i++) {
            acc = ops.get(i) == '+' ? acc + terms.get(i + 1) : acc - terms.get(i + 1);
        }
        return acc;
    }

    private static long num(String s) {
        return Long.parseLong(s.replace("(", "").replace(")", ""));
    }

    @Test
    void equationCheckerRejectsAFalseLine() {
        assertThrows(AssertionError.class, () -> checkEquations("ones: 7 + 8 = 14, write 4", "probe"));
        assertThrows(AssertionError.class, () -> checkEquations("345 + 678 = 900 + 110 + 12", "probe"));
        assertEquals(2, checkEquations("left 9 × (-7) + 12 = -51, and 38640 / 69 = 560", "probe"));
    }

    @Test
    void additionTraceSpellsOutColumnsAndCarries() {
        Task t = new AdditionFamily().generate(3, 11);
        String full = TraceWriter.write(t, 4).text();
        assertTrue(full.contains("ones: "), full);
        assertTrue(full.contains("carry 1"), "level 3 addition always carries: " + full);
        assertFalse(TraceWriter.write(t, 1).text().contains("carry"), "columns only from verbosity 2");
    }

    @Test
    void levelOneTerseTraceMatchesTheDemoTokenizerSample() {
        // The tokenizer fixture's sample string shows the exact layout the demo model is trained on.
        Task t = new MultiplicationFamily().generate(1, 0);
        String a = t.problem().prompt().replace("What is ", "").replace("?", "");
        assertEquals("<think>\n" + a + " = " + t.problem().answer() + "\n</think> \\boxed{" + t.problem().answer() + "}",
                TraceWriter.write(t, 0).text());
    }

    @Test
    void verbosityOutsideRangeIsRejected() {
        Task t = new AdditionFamily().generate(1, 0);
        assertThrows(IllegalArgumentException.class, () -> TraceWriter.write(t, -1));
        assertThrows(IllegalArgumentException.class, () -> TraceWriter.write(t, 5));
    }
}
