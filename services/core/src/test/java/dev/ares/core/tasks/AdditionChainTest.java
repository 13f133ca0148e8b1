package dev.ares.core.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Level-1 addition traces are the moving-one chain in the prompt's order ({@code 7 + 4 = 8 + 3 = 9 + 2 = 10 + 1 = 11},
 * docs/curriculum.md), the same line at every verbosity; higher levels keep their column traces.
 */
class AdditionChainTest {
    private static final Pattern PROMPT = Pattern.compile("What is (\\d) \\+ (\\d)\\?");

    @Test
    void everyLevelOneTraceIsTheChainOfItsPrompt() {
        Set<Integer> rightOperands = new HashSet<>();
        for (long seed = 0; seed < 400; seed++) {
            Task t = new AdditionFamily().generate(1, seed);
            Matcher m = PROMPT.matcher(t.problem().prompt());
            assertTrue(m.matches(), t.problem().prompt());
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(2));
            String terse = TraceWriter.write(t, 0).text();
            String suffix = "\n</think> \\boxed{" + (a + b) + "}";
            assertTrue(terse.startsWith("<think>\n") && terse.endsWith(suffix), terse);
            String line = terse.substring("<think>\n".length(), terse.length() - suffix.length());
            assertChain(line, a, b);
            for (int v = 1; v <= 4; v++) {
                assertTrue(TraceWriter.write(t, v).text().contains("\n" + line + "\n"), "verbosity " + v + " of " + a
                        + " + " + b);
            }
            rightOperands.add(b);
        }
        assertEquals(9, rightOperands.size(), "every right operand 1..9 was drawn");
    }

    /** Links x + y with x + y = a + b, x rising by one from a and y falling by one from b to 1, then the sum. */
    private static void assertChain(String line, int a, int b) {
        String[] links = line.split(" = ");
        assertEquals(b + 1, links.length, line);
        for (int i = 0; i < b; i++) {
            String[] xy = links[i].split(" \\+ ");
            assertEquals(2, xy.length, line);
            assertEquals(a + i, Integer.parseInt(xy[0]), line);
            assertEquals(b - i, Integer.parseInt(xy[1]), line);
        }
        assertEquals(Integer.toString(a + b), links[b], line);
    }

    @Test
    void theChainOfSevenPlusFourIsWrittenOut() {
        assertEquals("7 + 4 = 8 + 3 = 9 + 2 = 10 + 1 = 11", AdditionFamily.movingChain(7, 4));
        assertEquals("2 + 9 = 3 + 8 = 4 + 7 = 5 + 6 = 6 + 5 = 7 + 4 = 8 + 3 = 9 + 2 = 10 + 1 = 11",
                AdditionFamily.movingChain(2, 9));
        assertEquals("9 + 1 = 10", AdditionFamily.movingChain(9, 1));
    }

    @Test
    void higherLevelsKeepTheProblemOrder() {
        Task t = new AdditionFamily().generate(2, 1);
        String expr = t.problem().prompt().replace("What is ", "").replace("?", "");
        assertEquals("<think>\n" + expr + " = " + t.problem().answer() + "\n</think> \\boxed{" + t.problem().answer() + "}",
                TraceWriter.write(t, 0).text());
    }
}
