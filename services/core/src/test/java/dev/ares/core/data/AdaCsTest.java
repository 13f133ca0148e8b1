package dev.ares.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Modality;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.ProblemKeys;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** AdaCS target formula (spec §15 vectors), anchors, closest-length choice and bracket-even sampling. */
class AdaCsTest {

    private static int counter;

    private static CsItem item(String source, int correct, int k, int... lengths) {
        Problem p = ProblemKeys.problem("addition", 1, "What is " + (counter++) + " + 0?", "0", null, 0.5);
        List<CsOption> opts = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            opts.add(new CsOption("r" + lengths[i], i, lengths[i]));
        }
        return new CsItem(p, source, PassRate.sampled(correct, k), opts);
    }

    @Test
    void targetLengthMatchesTheSpecWorkedExample() {
        // aepo-spec.md §15, Example 5: L(0) = 8000, L(1) = 800 -> p = 0.25 gives 6200; p = 0.625 gives 3500.
        assertEquals(6200.0, AdaCs.targetLength(0.25, 8000, 800), 1e-9);
        assertEquals(3500.0, AdaCs.targetLength(0.625, 8000, 800), 1e-9);
        assertEquals(8000.0, AdaCs.targetLength(0.0, 8000, 800), 1e-9, "p = 0 (hard) is the long end");
        assertEquals(800.0, AdaCs.targetLength(1.0, 8000, 800), 1e-9, "p = 1 (easy) is the short end");
        assertThrows(IllegalArgumentException.class, () -> AdaCs.targetLength(1.5, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> AdaCs.targetLength(Double.NaN, 1, 2));
    }

    @Test
    void anchorsAreMediansOfTheSourcesHardAndEasyProblems() {
        List<CsItem> pool = List.of(
                item("s", 0, 8, 100, 200, 300), item("s", 0, 8, 400, 500),
                item("s", 8, 8, 10, 20), item("s", 8, 8, 30, 40),
                item("s", 4, 8, 1000, 2000),
                item("t", 0, 8, 7), item("t", 8, 8, 3));
        Map<String, AdaCs.Anchors> spec = AdaCs.anchors(pool, AdaCs.AnchorMode.MEDIAN_OF_RESPONSES);
        assertEquals(300.0, spec.get("s").lengthLow(), 1e-9);   // median of 100..500
        assertEquals(25.0, spec.get("s").lengthHigh(), 1e-9);   // median of 10, 20, 30, 40
        assertEquals(0.0, spec.get("s").pLow());
        assertEquals(1.0, spec.get("s").pHigh());
        assertEquals(2, spec.get("s").problemsLow());
        assertEquals(162.5, spec.get("s").target(0.5), 1e-9);
        assertEquals(AdaCs.targetLength(0.375, 300, 25), spec.get("s").target(0.375), 1e-9);
        assertEquals(5.0, spec.get("t").target(0.5), 1e-9, "anchors are per source");
        Map<String, AdaCs.Anchors> ext = AdaCs.anchors(pool, AdaCs.AnchorMode.EXTREMES);
        assertEquals(400.0, ext.get("s").lengthLow(), 1e-9);    // longest 300 and 500
        assertEquals(20.0, ext.get("s").lengthHigh(), 1e-9);    // shortest 10 and 30
    }

    @Test
    void missingEndBracketsFallBackToTheLowestAndHighestPresent() {
        List<CsItem> pool = List.of(item("s", 2, 8, 600), item("s", 6, 8, 200), item("s", 4, 8, 50));
        AdaCs.Anchors a = AdaCs.anchors(pool, AdaCs.AnchorMode.MEDIAN_OF_RESPONSES).get("s");
        assertEquals(0.25, a.pLow());
        assertEquals(0.75, a.pHigh());
        assertEquals(600.0, a.target(0.25), 1e-9);
        assertEquals(200.0, a.target(0.75), 1e-9);
        assertEquals(400.0, a.target(0.5), 1e-9);
        assertEquals(600.0, a.target(0.0), 1e-9, "clamped below the low anchor");
        AdaCs.Anchors single = AdaCs.anchors(List.of(item("u", 3, 8, 10, 30)), AdaCs.AnchorMode.EXTREMES).get("u");
        assertEquals(20.0, single.target(0.375), 1e-9, "one bracket: midway between its longest and shortest median");
    }

    @Test
    void closestPrefersTheShorterOnTies() {
        List<CsOption> o = List.of(new CsOption("a", 0, 10), new CsOption("b", 1, 30), new CsOption("c", 2, 50));
        assertEquals(30, AdaCs.closest(o, 40).length());
        assertEquals(50, AdaCs.closest(o, 41).length());
        assertEquals(10, AdaCs.closest(o, -5).length());
    }

    @Test
    void selectionIsEvenAcrossBracketsAndAdaptiveTakesTheClosest() {
        List<CsItem> pool = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pool.add(item("s", 0, 4, 100, 200, 300, 400));
            pool.add(item("s", 4, 4, 100, 200, 300, 400));
        }
        for (int i = 0; i < 3; i++) {
            pool.add(item("s", 2, 4, 100, 200, 300, 400));
        }
        List<CsSelection> nine = AdaCs.select(pool, 9, AdaCs.Mode.ADAPTIVE, AdaCs.AnchorMode.EXTREMES, 5);
        Map<Integer, Integer> perBracket = new HashMap<>();
        nine.forEach(s -> perBracket.merge(s.item().passRate().correct(), 1, Integer::sum));
        assertEquals(Map.of(0, 3, 2, 3, 4, 3), perBracket);
        List<CsSelection> fifteen = AdaCs.select(pool, 15, AdaCs.Mode.ADAPTIVE, AdaCs.AnchorMode.EXTREMES, 5);
        perBracket.clear();
        fifteen.forEach(s -> perBracket.merge(s.item().passRate().correct(), 1, Integer::sum));
        assertEquals(Map.of(0, 6, 2, 3, 4, 6), perBracket, "an exhausted bracket is skipped");
        Set<String> ids = new HashSet<>();
        for (CsSelection s : fifteen) {
            assertTrue(ids.add(s.item().problem().id()), "no problem twice");
            for (CsOption o : s.item().options()) {
                assertTrue(Math.abs(s.chosen().length() - s.targetLength()) <= Math.abs(o.length() - s.targetLength()));
            }
        }
        // EXTREMES anchors: L(0) = 400, L(1) = 100 -> targets 400, 250, 100 -> lengths 400, 200 (tie 200/300), 100
        for (CsSelection s : fifteen) {
            int c = s.item().passRate().correct();
            assertEquals(c == 0 ? 400 : c == 2 ? 200 : 100, s.chosen().length());
        }
        assertEquals(23, AdaCs.select(pool, 100, AdaCs.Mode.ADAPTIVE, AdaCs.AnchorMode.EXTREMES, 5).size());
        assertEquals(nine.stream().map(s -> s.item().problem().id()).toList(),
                AdaCs.select(pool, 9, AdaCs.Mode.ADAPTIVE, AdaCs.AnchorMode.EXTREMES, 5).stream()
                        .map(s -> s.item().problem().id()).toList(), "deterministic by seed");
    }

    @Test
    void vanillaIgnoresLengthAndSpreadsOverAllCandidates() {
        List<CsItem> pool = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            pool.add(item("s", i % 5, 4, 100, 200, 300, 400, 500));
        }
        List<CsSelection> v = AdaCs.select(pool, 400, AdaCs.Mode.VANILLA, AdaCs.AnchorMode.EXTREMES, 1);
        int[] counts = new int[5];
        v.forEach(s -> counts[s.chosen().verbosity()]++);
        for (int c : counts) {
            assertTrue(c > 50 && c < 110, "uniform over 5 candidates: " + java.util.Arrays.toString(counts));
        }
        assertEquals(AdaCs.Mode.VANILLA, v.get(0).mode());
    }

    @Test
    void onTheCurriculumAdaptiveLengthFallsWithPassRateMoreThanVanilla() {
        List<Task> tasks = Curriculum.uniform(Modality.TEXT).take(Split.TRAIN, 3, 600);
        List<CsItem> pool = AdaCs.poolFromTasks(tasks, PassRates.fromPriors(8), String::length);
        assertTrue(pool.size() < tasks.size(), "repeated level-1 problems enter the pool once");
        List<CsSelection> ada = AdaCs.select(pool, 300, AdaCs.Mode.ADAPTIVE, AdaCs.AnchorMode.MEDIAN_OF_RESPONSES, 9);
        List<CsSelection> van = AdaCs.select(pool, 300, AdaCs.Mode.VANILLA, AdaCs.AnchorMode.MEDIAN_OF_RESPONSES, 9);
        double ra = AdaCsReport.correlation(ada);
        double rv = AdaCsReport.correlation(van);
        assertTrue(ra < -0.4, "adaptive: longer traces for harder problems, r = " + ra);
        assertTrue(ra < rv, "adaptive " + ra + " vs vanilla " + rv);
        List<AdaCsReport.BracketRow> rows = AdaCsReport.byBracket(ada);
        assertTrue(rows.get(0).meanLength() > rows.get(rows.size() - 1).meanLength());
        String md = AdaCsReport.markdown(ada, van, AdaCs.anchors(pool, AdaCs.AnchorMode.MEDIAN_OF_RESPONSES), "chars");
        assertTrue(md.contains("| addition |") && md.contains("Pearson r"), md);
        assertNotEquals(ada.get(0).chosen(), null);
    }

    @Test
    void passRatesFromPriorsRoundToTheNearestCount() {
        assertEquals(PassRate.sampled(7, 8).correct(), PassRate.fromPrior(0.9, 8).correct());
        assertEquals(PassRate.Origin.PRIOR, PassRate.fromPrior(0.9, 8).origin());
        assertEquals(0, PassRate.fromPrior(0.05, 8).correct());
        assertThrows(IllegalArgumentException.class, () -> PassRate.sampled(9, 8));
        assertThrows(IllegalArgumentException.class, () -> PassRate.fromPrior(1.2, 8));
    }
}
