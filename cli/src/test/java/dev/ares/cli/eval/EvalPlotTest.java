package dev.ares.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvalPlotTest {

    private static ProblemResult problem(int n, int correct, int... tokens) {
        List<ProblemResult.GradedResponse> s = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            s.add(new ProblemResult.GradedResponse("r", tokens[i], i < correct, "numeric"));
        }
        return new ProblemResult("addition-L1-" + n, "addition", 1, "1", "q", s);
    }

    @Test
    void pointsAreSampleMeansPerDistinctPassRate() {
        // two problems at p = 1/2 (tokens 10,20 and 30,50 -> mean 27.5), one at p = 1 (4,6 -> 5), one at p = 0
        Map<Double, Double> m = EvalPlot.meanTokensByPassRate(List.of(problem(0, 1, 10, 20), problem(1, 2, 4, 6),
                problem(2, 1, 30, 50), problem(3, 0, 7, 9)));
        assertEquals(List.of(0.0, 0.5, 1.0), List.copyOf(m.keySet()));
        assertEquals(8.0, m.get(0.0), 1e-12);
        assertEquals(27.5, m.get(0.5), 1e-12);
        assertEquals(5.0, m.get(1.0), 1e-12);
    }

    @Test
    void aGreedyReportHasNoPassRateToPlot() {
        EvalReport greedy = new EvalReport(Map.of(), 1, List.of(), List.of(new ProblemResult("a", "addition", 1, "1",
                "q", List.of(new ProblemResult.GradedResponse("r", 3, true, "numeric")))));
        assertThrows(IllegalArgumentException.class, () -> EvalPlot.write(greedy, java.nio.file.Path.of("x.png"), 10,
                10));
    }
}
