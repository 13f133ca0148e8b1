package dev.ares.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Aggregation over seeds, the verdict's three answers, the charts, and the resumable run files. */
class ExperimentReportTest {

    private static RunResult run(String mode, long seed, double accEasy, double accHard, double lenEasy, double lenHard) {
        return new RunResult(mode, seed, 10, 60.0, 1000, Map.of(
                "easy", new RunResult.Cell(10, 40, accEasy, lenEasy),
                "medium", new RunResult.Cell(10, 40, 0.5, 50),
                "hard", new RunResult.Cell(10, 40, accHard, lenHard)), Map.of(), Map.of("hwe/rate", 0.1));
    }

    @Test
    void meansSdsDifferencesAndVerdicts() {
        List<RunResult> runs = new ArrayList<>();
        // grpo: easy length 40 ± 2, hard accuracy 0.20 ± 0.02
        runs.add(run("grpo", 0, 0.9, 0.18, 38, 90));
        runs.add(run("grpo", 1, 0.9, 0.20, 40, 90));
        runs.add(run("grpo", 2, 0.9, 0.22, 42, 90));
        // hwe-branch: clearly shorter on easy (30) and more accurate on hard (0.30)
        runs.add(run("hwe-branch", 0, 0.9, 0.29, 29, 95));
        runs.add(run("hwe-branch", 1, 0.9, 0.30, 30, 95));
        runs.add(run("hwe-branch", 2, 0.9, 0.31, 31, 95));
        // iid: longer on easy (50), hard accuracy inside the noise (0.205)
        runs.add(run("iid", 0, 0.9, 0.185, 49, 95));
        runs.add(run("iid", 1, 0.9, 0.205, 50, 95));
        runs.add(run("iid", 2, 0.9, 0.225, 51, 95));
        ExperimentReport r = new ExperimentReport(runs);
        assertEquals(40.0, r.length("grpo", "easy").mean(), 1e-12);
        assertEquals(2.0, r.length("grpo", "easy").sd(), 1e-12);
        assertEquals(0.02, r.accuracy("grpo", "hard").sd(), 1e-12);
        String t = r.tables();
        assertTrue(t.contains("| hwe-branch | 3 |"), t);
        assertTrue(t.contains("| hwe-branch | +0.0 | +0.0 | +10.0 | -10.0 (-25%)"), t);
        String v = r.verdict("hwe-branch");
        assertTrue(v.contains("shorter on easy: yes") && v.contains("more accurate on hard: yes"), v);
        String w = r.verdict("iid");
        assertTrue(w.contains("shorter on easy: no, the opposite"), w);
        assertTrue(w.contains("more accurate on hard: not distinguishable from seed noise"), w);
        assertTrue(r.verdict("paper").contains("no comparison"));
    }

    @Test
    void chartsAreImages(@TempDir Path tmp) throws Exception {
        ExperimentReport r = new ExperimentReport(List.of(run("grpo", 0, 0.9, 0.2, 40, 90), run("iid", 0, 0.8, 0.3, 30, 80)));
        for (Path p : r.charts(tmp)) {
            assertEquals(760, ImageIO.read(p.toFile()).getWidth());
        }
    }

    @Test
    void runFilesRoundTripAndBadOnesNameTheFile(@TempDir Path tmp) throws Exception {
        RunResult a = run("iid", 2, 0.9, 0.2, 40, 90);
        a.write(tmp);
        Path f = RunResult.file(tmp, "iid", 2);
        assertEquals(a, RunResult.read(f));
        Files.writeString(f, "{\"mode\":\"iid\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunResult.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
}
