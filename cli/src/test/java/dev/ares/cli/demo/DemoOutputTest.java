package dev.ares.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.cli.eval.EvalReport;
import dev.ares.cli.eval.ProblemResult;
import dev.ares.core.protocol.TrainEvent;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's progress line, last-line JSON and plots, from known inputs. */
class DemoOutputTest {

    @Test
    void stepLineShowsEveryFigureAndDashesForMissingOnes() {
        TrainEvent e = new TrainEvent("r", 2, Map.of("reward/mean", 0.4567, "accuracy/easy", 0.9, "accuracy/hard", 0.125,
                "length/easy", 31.4, "length/medium", 60.0, "length/hard", 99.6, "hwe/rate", 0.0321, "kl/mean", 0.00123,
                "train/tokens_per_s", 412.2), Instant.EPOCH);
        String line = StepLine.format(e, 6);
        assertTrue(line.startsWith("3/6 "), line);
        assertTrue(line.contains("0.457"), line);
        assertTrue(line.contains("0.90/-/0.13"), line);
        assertTrue(line.contains("31/60/100"), line);
        assertTrue(line.contains("0.032") && line.contains("0.0012") && line.contains("412"), line);
        assertEquals(StepLine.header().length(), StepLine.format(new TrainEvent("r", 0, Map.of(), Instant.EPOCH), 6).length());
    }

    @Test
    void lastLineIsTheJsonTheIssueAsksFor() throws Exception {
        // two problems: one always solved (easy), one never (hard), k = 4
        List<ProblemResult> results = List.of(result("p1", true, 10), result("p2", false, 30));
        EvalReport report = new EvalReport(Map.of(), 4, List.of(), results);
        JsonNode j = new ObjectMapper().readTree(DemoSummary.json(6, 7, report, "http://127.0.0.1:8080"));
        assertEquals(6, j.get("steps").asInt());
        assertEquals(7, j.get("checkpoint_version").asLong());
        assertEquals(1.0, j.get("accuracy_by_bucket").get("easy").asDouble());
        assertEquals(0.0, j.get("accuracy_by_bucket").get("hard").asDouble());
        assertTrue(j.get("accuracy_by_bucket").get("medium").isNull());
        assertEquals(10.0, j.get("mean_length_by_bucket").get("easy").asDouble());
        assertEquals(30.0, j.get("mean_length_by_bucket").get("hard").asDouble());
        assertEquals("http://127.0.0.1:8080", j.get("inference_url").asText());
    }

    @Test
    void chartsAndPageAreWritten(@TempDir Path tmp) throws Exception {
        List<TrainEvent> events = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            events.add(new TrainEvent("r", s, Map.of("reward/mean", 0.1 * s, "accuracy/easy", 0.5 + 0.1 * s), Instant.EPOCH));
        }
        List<Path> pngs = DemoPlots.charts(events, DemoReport.panels(), tmp);
        assertEquals(DemoReport.panels().size(), pngs.size());
        for (Path p : pngs) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertEquals(720, img.getWidth(), p.toString());
        }
        Path html = DemoPlots.html("t <&>", List.of("note"), Map.of("Table", List.of(List.of("a", "b"), List.of("1", "2"))),
                pngs, tmp);
        String page = Files.readString(html);
        assertTrue(page.contains("t &lt;&amp;&gt;"));
        assertEquals(pngs.size(), page.split("data:image/png;base64,", -1).length - 1);
        assertTrue(page.contains("<td>1</td><td>2</td>"));
    }

    private static ProblemResult result(String id, boolean correct, int tokens) {
        List<ProblemResult.GradedResponse> g = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            g.add(new ProblemResult.GradedResponse("t", tokens, correct, "boxed"));
        }
        return new ProblemResult(id, "addition", 1, "2", "u", g);
    }
}
