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
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("--out", dir.toString(), "--modality", "audio"));
        assertEquals(2, cli.execute("--out", dir.toString(), "--anchors", "middle"));
        String m = shippedModel().toString();
        String[][] cases = {
            {"--measure-with", m, "--pass-rates", "x.jsonl", "--modality", "text"}, {"use one"},
            {"--measure-with", dir.resolve("none").toString(), "--modality", "text"}, {"no config.json"},
            {"--measure-with", m, "--modality", "text", "--temperature", "0"}, {"--temperature must be finite and > 0"},
            {"--measure-with", m, "--modality", "text", "--max-new-tokens", "0"}, {"--max-new-tokens must be >= 1"},
            {"--measure-with", m}, {"text-only model and the pool of --modality all holds image problems"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            List<String> args = new java.util.ArrayList<>(List.of("--out", dir.toString()));
            args.addAll(List.of(cases[i]));
            int before = err.getBuffer().length();
            assertEquals(2, cli.execute(args.toArray(String[]::new)), String.join(" ", cases[i]));
            String said = err.toString().substring(before);
            assertTrue(said.contains(cases[i + 1][0]), String.join(" ", cases[i]) + " -> " + said);
        }
    }

    /** The shipped demo cold start: a trained model, so measured pass rates are not all zero. */
    private static Path shippedModel() {
        return Path.of(System.getProperty("ares.repo.root", ".")).resolve("demo/cold-start/default-s0");
    }

    @Test
    void measuresThePoolWithAModelAndCuratesFromThoseRates() throws Exception {
        Path measured = dir.resolve("measured");
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CurateCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        String[] common = {"--n", "24", "--pool", "40", "--seed", "5", "--modality", "text", "--k", "3"};
        List<String> args = new java.util.ArrayList<>(List.of("--out", measured.toString(), "--measure-with",
                shippedModel().toString(), "--max-new-tokens", "48"));
        args.addAll(List.of(common));
        assertEquals(0, cli.execute(args.toArray(String[]::new)), out.toString());

        ObjectMapper json = new ObjectMapper();
        java.util.Map<String, int[]> rates = new java.util.HashMap<>();
        for (String line : Files.readAllLines(measured.resolve("pass-rates.jsonl"))) {
            JsonNode r = json.readTree(line);
            assertEquals(3, r.get("samples").asInt(), line);
            rates.put(r.get("id").asText(), new int[]{r.get("correct").asInt(), r.get("samples").asInt()});
        }
        assertTrue(rates.size() >= 24, "one line per distinct pool problem: " + rates.size());
        assertTrue(rates.values().stream().anyMatch(c -> c[0] > 0), "the trained model answers some problems");
        for (String line : Files.readAllLines(measured.resolve("adacs.jsonl"))) {
            JsonNode row = json.readTree(line);
            int[] c = rates.get(row.get("id").asText());
            assertEquals("sampled", row.get("pass_rate_origin").asText());
            assertEquals(c[0], row.get("pass_rate_correct").asInt(), line);
            assertEquals((double) c[0] / c[1], row.get("pass_rate").asDouble(), 1e-12, line);
        }
        assertTrue(Files.readString(measured.resolve("adacs-report.md")).contains("3 samples per problem of"));

        // the written file reproduces the same curation through --pass-rates
        Path reused = dir.resolve("reused");
        List<String> again = new java.util.ArrayList<>(List.of("--out", reused.toString(), "--pass-rates",
                measured.resolve("pass-rates.jsonl").toString()));
        again.addAll(List.of(common));
        assertEquals(0, cli.execute(again.toArray(String[]::new)));
        assertEquals(Files.readString(measured.resolve("adacs.jsonl")), Files.readString(reused.resolve("adacs.jsonl")));
    }
}
