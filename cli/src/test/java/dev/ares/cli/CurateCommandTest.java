package dev.ares.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.cli.data.DemoTokenizer;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ares curate} end to end on a small pool, with lengths in demo-tokenizer tokens. */
class CurateCommandTest {

    @TempDir
    Path dir;

    @Test
    void demoTokenizerCountsMatchTheFixtureSamples() {
        // ids listed in shared/fixtures/hf-reference/tokenizer/expected.json
        try (DemoTokenizer t = DemoTokenizer.load()) {
            assertEquals(6, t.applyAsInt("What is 12 + 7?"));
            assertEquals(17, t.applyAsInt("<think>\n3 × 4 = 12\n</think> \\boxed{12}"));
        }
    }

    @Test
    void writesBothDatasetsTheReportAndTheChart() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CurateCommand());
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("--out", dir.toString(), "--n", "150", "--pool", "500", "--seed", "3");
        assertEquals(0, code, out.toString());
        ObjectMapper json = new ObjectMapper();
        List<String> ada = Files.readAllLines(dir.resolve("adacs.jsonl"));
        List<String> van = Files.readAllLines(dir.resolve("cs-vanilla.jsonl"));
        assertEquals(150, ada.size());
        assertEquals(150, van.size());
        try (DemoTokenizer t = DemoTokenizer.load()) {
            for (String line : ada.subList(0, 40)) {
                JsonNode row = json.readTree(line);
                assertEquals(t.applyAsInt(row.get("response").asText()), row.get("chosen_length").asInt(),
                        "chosen_length is in demo-tokenizer tokens");
                assertEquals("adaptive", row.get("selection").asText());
            }
        }
        assertEquals("vanilla", json.readTree(van.get(0)).get("selection").asText());
        BufferedImage png = ImageIO.read(dir.resolve("adacs-length.png").toFile());
        assertEquals(900, png.getWidth());
        assertEquals(560, png.getHeight());
        String report = Files.readString(dir.resolve("adacs-report.md"));
        assertTrue(report.contains("| pass rate p |") && report.contains("Pearson r"), report);
        assertTrue(out.toString().contains("wrote 150 AdaCS rows"), out.toString());
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        CommandLine cli = new CommandLine(new CurateCommand());
        cli.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, cli.execute("--out", dir.toString(), "--modality", "audio"));
        assertEquals(2, cli.execute("--out", dir.toString(), "--anchors", "middle"));
    }
}
