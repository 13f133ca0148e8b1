package dev.ares.core.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Level-1 addition traces write the larger addend first (docs/curriculum.md), at every verbosity. */
class AdditionOrderTest {
    private static final Pattern PROMPT = Pattern.compile("What is (\\d) \\+ (\\d)\\?");

    @Test
    void theResultLineOfBothOrdersIsTheSame() {
        Set<String> swapped = new HashSet<>();
        for (long seed = 0; seed < 400; seed++) {
            Task t = new AdditionFamily().generate(1, seed);
            Matcher m = PROMPT.matcher(t.problem().prompt());
            assertTrue(m.matches(), t.problem().prompt());
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(2));
            String line = Math.max(a, b) + " + " + Math.min(a, b) + " = " + (a + b);
            assertEquals("<think>\n" + line + "\n</think> \\boxed{" + (a + b) + "}", TraceWriter.write(t, 0).text());
            for (int v = 1; v <= 4; v++) {
                assertTrue(TraceWriter.write(t, v).text().contains("\n" + line + "\n"), "verbosity " + v + " of " + a
                        + " + " + b);
            }
            if (a < b) {
                swapped.add(a + "+" + b);
            }
        }
        assertTrue(swapped.size() > 20, "problems with the smaller addend first were drawn: " + swapped.size());
    }

    @Test
    void higherLevelsKeepTheProblemOrder() {
        Task t = new AdditionFamily().generate(2, 1);
        String expr = t.problem().prompt().replace("What is ", "").replace("?", "");
        assertEquals("<think>\n" + expr + " = " + t.problem().answer() + "\n</think> \\boxed{" + t.problem().answer() + "}",
                TraceWriter.write(t, 0).text());
    }
}
