package dev.ares.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.verify.AnswerVerifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./ares eval} on the qwen2-tiny reference fixture (random weights: accuracy near 0 is expected). */
class EvalCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new EvalCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String model() {
        return GenerateCommandTest.fixture("qwen2-tiny").toString();
    }

    /**
     * Checks a written report against itself: every recorded response is re-graded with AnswerVerifier, and the
     * per-(family, level), per-family and overall counts, accuracies and mean lengths are recomputed from the
     * responses.
     */
    private static void checkConsistent(JsonNode j, int k, int maxTokens) {
        Map<String, int[]> groups = new HashMap<>(); // problems, samples, correct, tokens
        Map<String, int[]> fams = new HashMap<>();
        int[] all = new int[4];
        Set<String> ids = new HashSet<>();
        for (JsonNode p : j.get("problems")) {
            assertTrue(ids.add(p.get("id").asText()), "repeated problem " + p.get("id"));
            assertTrue(p.get("prompt").asText().endsWith(PromptFormat.ARES.instruction()), p.get("prompt").asText());
            assertEquals(k, p.get("samples").size());
            String key = p.get("family").asText() + "/" + p.get("level").asInt();
            int[] g = groups.computeIfAbsent(key, x -> new int[4]);
            int[] f = fams.computeIfAbsent(p.get("family").asText(), x -> new int[4]);
            int correct = 0;
            for (int[] acc : new int[][] {g, f, all}) {
                acc[0]++;
            }
            for (JsonNode s : p.get("samples")) {
                boolean c = AnswerVerifier.grade(s.get("text").asText(), p.get("answer").asText()).correct();
                assertEquals(c, s.get("correct").asBoolean(), s.toString());
                int tokens = s.get("tokens").asInt();
                assertTrue(tokens >= 1 && tokens <= maxTokens, "tokens " + tokens);
                correct += c ? 1 : 0;
                for (int[] acc : new int[][] {g, f, all}) {
                    acc[1]++;
                    acc[2] += c ? 1 : 0;
                    acc[3] += tokens;
                }
            }
            assertEquals(correct, p.get("correct").asInt());
            assertEquals((double) correct / k, p.get("pass_rate").asDouble(), 1e-12);
        }
        assertEquals(groups.size(), j.get("by_family_level").size());
        for (JsonNode a : j.get("by_family_level")) {
            checkAggregate(a, groups.get(a.get("family").asText() + "/" + a.get("level").asInt()));
        }
        assertEquals(fams.size(), j.get("by_family").size());
        for (JsonNode a : j.get("by_family")) {
            checkAggregate(a, fams.get(a.get("family").asText()));
        }
        checkAggregate(j.get("overall"), all);
    }

    private static void checkAggregate(JsonNode a, int[] want) {
        assertEquals(want[0], a.get("problems").asInt(), a.toString());
        assertEquals(want[1], a.get("samples").asInt(), a.toString());
        assertEquals(want[2], a.get("correct").asInt(), a.toString());
        assertEquals((double) want[2] / want[1], a.get("accuracy").asDouble(), 1e-12, a.toString());
        assertEquals((double) want[3] / want[1], a.get("mean_tokens").asDouble(), 1e-9, a.toString());
    }

    @Test
    void greedyRunOverTwoFamiliesGivesAConsistentReport() throws Exception {
        Path json = tmp.resolve("out/eval.json");
        Run r = run("--model", model(), "--families", "addition,multiplication", "--levels", "2", "--n", "3",
                "--max-new-tokens", "12", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(1, j.get("k").asInt());
        assertEquals(6, j.get("problems").size());
        assertEquals(2, j.get("by_family_level").size());
        for (JsonNode a : j.get("by_family_level")) {
            assertEquals(2, a.get("level").asInt());
            assertEquals(3, a.get("problems").asInt());
        }
        assertTrue(!j.has("by_bucket"));
        assertEquals("heldout", j.get("settings").get("split").asText());
        checkConsistent(j, 1, 12);
        assertTrue(r.out().contains("addition/L2") && r.out().contains("multiplication/L2")
                && r.out().contains("overall"), r.out());
        assertTrue(r.err().contains("eval: 6/6 problems"), r.err());
        // greedy decoding is deterministic: a second run records the same responses
        Path json2 = tmp.resolve("eval2.json");
        assertEquals(0, run("--model", model(), "--families", "addition,multiplication", "--levels", "2", "--n", "3",
                "--max-new-tokens", "12", "--json", json2.toString()).code());
        assertEquals(j.get("problems"), new ObjectMapper().readTree(json2.toFile()).get("problems"));
    }

    @Test
    void sampledRunReportsPassRateBuckets() throws Exception {
        Path json = tmp.resolve("k.json");
        Path png = tmp.resolve("charts/length.png");
        Run r = run("--model", model(), "--families", "compare,bar_chart", "--levels", "1", "--n", "2", "--k", "3",
                "--temperature", "1.0", "--max-new-tokens", "8", "--split", "train", "--json", json.toString(),
                "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        checkConsistent(j, 3, 8);
        int problems = 0;
        for (JsonNode b : j.get("by_bucket")) {
            problems += b.get("problems").asInt();
        }
        assertEquals(j.get("problems").size(), problems);
        assertEquals(3, j.get("by_bucket").size());
        assertTrue(j.get("notes").get(0).asText().contains("bar_chart"), j.get("notes").toString());
        assertTrue(r.out().contains("bucket hard") && r.out().contains("note: image families [bar_chart] skipped"),
                r.out());
        assertTrue(r.out().contains("within level"), r.out());
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(560, img.getHeight());
    }

    @Test
    void badFlagsGiveClearErrors() {
        String m = model();
        String[][] cases = {
            {"--model", m, "--split", "dev"}, {"--split must be heldout or train"},
            {"--model", m, "--k", "3"}, {"--temperature > 0"},
            {"--model", m, "--plot", "x.png"}, {"needs --k > 1"},
            {"--model", m, "--n", "0"}, {"--n must be >= 1"},
            {"--model", m, "--levels", "1,7"}, {"7 is not in 1..5"},
            {"--model", m, "--families", "addition,nope"}, {"unknown task family 'nope'"},
            {"--model", m, "--families", "shape_count"}, {"text-only model"},
            {"--model", m, "--temperature", "-1"}, {"--temperature must be finite and >= 0"},
            {"--model", m, "--max-new-tokens", "0"}, {"--max-new-tokens must be >= 1"},
            {"--model", m, "--prompt", "fancy"}, {"--prompt must be ares or bare"},
            {"--model", m, "--n", "x"}, {"--n"},
            {"--model", tmp.resolve("missing").toString()}, {"no such folder"},
            {"--n", "3"}, {"--model"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            Run r = run(cases[i]);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertTrue(r.err().contains(cases[i + 1][0]), String.join(" ", cases[i]) + " -> " + r.err());
        }
    }
}
