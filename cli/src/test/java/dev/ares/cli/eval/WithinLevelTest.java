package dev.ares.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.aepo.Bucket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WithinLevelTest {

    /** A problem with k = 3 samples, {@code correct} of them right, each {@code tokens} long. */
    private static ProblemResult problem(String family, int level, int n, int correct, int... tokens) {
        List<ProblemResult.GradedResponse> s = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            s.add(new ProblemResult.GradedResponse("r" + i, tokens[i], i < correct, "numeric"));
        }
        return new ProblemResult(family + "-L" + level + "-" + n, family, level, "1", "q", s);
    }

    @Test
    void gapsCompareHardWithEasyInsideEachCellOnly() throws Exception {
        List<ProblemResult> ps = List.of(
                // addition/L2: easy (3/3) 10,10,10 and 20,20,20 -> mean 15; hard (0/3) 30,30,30 -> +15
                problem("addition", 2, 0, 3, 10, 10, 10),
                problem("addition", 2, 1, 3, 20, 20, 20),
                problem("addition", 2, 2, 0, 30, 30, 30),
                // addition/L3: easy 2/3 mean 50, medium 1/3, hard 0/3 mean 40 -> -10
                problem("addition", 3, 0, 2, 40, 50, 60),
                problem("addition", 3, 1, 1, 99, 99, 99),
                problem("addition", 3, 2, 0, 40, 40, 40),
                // subtraction/L1: only easy -> no gap although a hard problem of another cell is much longer
                problem("subtraction", 1, 0, 3, 5, 5, 5));
        EvalReport r = new EvalReport(Map.of(), 3, List.of(), ps);
        WithinLevel w = WithinLevel.of(r);

        assertEquals(3, w.cells().size());
        assertEquals(2, w.cells().get("addition/L2").get(Bucket.EASY).problems());
        assertEquals(1, w.cells().get("addition/L3").get(Bucket.MEDIUM).problems());
        List<WithinLevel.Gap> gaps = w.gaps();
        assertEquals(2, gaps.size());
        assertEquals("addition/L2", gaps.get(0).cell());
        assertEquals(15.0, gaps.get(0).tokens(), 1e-12);
        assertEquals(-10.0, gaps.get(1).tokens(), 1e-12);
        assertEquals(1, w.cellsHardLonger());
        assertEquals(2.5, w.meanGap(), 1e-12);

        String table = r.table();
        assertTrue(table.contains("hard longer than easy in 1 of 2 cells, mean gap +2.5 tokens"), table);
        String section = table.substring(table.indexOf("within level"));
        assertTrue(section.contains("addition/L2") && section.contains("2/15.0") && section.contains("+15.0"), section);
        assertFalse(section.contains("subtraction/L1"), section); // no row for a cell without both buckets
        JsonNode j = new ObjectMapper().readTree(r.toJson(new ObjectMapper()).toString()).get("within_level");
        assertEquals(2, j.get("cells").size());
        assertEquals(15.0, j.get("cells").get(0).get("gap_tokens").asDouble(), 1e-12);
        assertEquals(30.0, j.get("cells").get(0).get("hard").get("mean_tokens").asDouble(), 1e-12);
        assertEquals(1, j.get("cells_hard_longer").asInt());
        assertEquals(2.5, j.get("mean_gap_tokens").asDouble(), 1e-12);
    }

    @Test
    void noCellWithBothBucketsIsSaidPlainly() {
        EvalReport r = new EvalReport(Map.of(), 3, List.of(), List.of(problem("compare", 1, 0, 3, 4, 4, 4)));
        WithinLevel w = WithinLevel.of(r);
        assertTrue(w.gaps().isEmpty());
        assertTrue(Double.isNaN(w.meanGap()));
        assertTrue(w.table().contains("no (family, level) cell has both easy and hard problems"));
        assertTrue(new ObjectMapper().valueToTree(r.toJson(new ObjectMapper())).get("within_level")
                .get("mean_gap_tokens").isNull());
    }
}
