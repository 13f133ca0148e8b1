package dev.ares.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./ares generate} against the qwen2-tiny reference fixture (issue 3 acceptance). */
class GenerateCommandTest {
    static Path fixture(String name) {
        return Path.of(System.getProperty("ares.repo.root")).resolve("../shared/fixtures/hf-reference")
                .resolve(name).normalize();
    }

    /** Reads an I64 tensor of expected.safetensors with a minimal independent parser (format header + LE longs). */
    static long[] i64(Path file, String name) throws Exception {
        byte[] all = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode h = new ObjectMapper().readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        JsonNode t = h.get(name);
        int a = t.get("data_offsets").get(0).asInt();
        int b = t.get("data_offsets").get(1).asInt();
        ByteBuffer buf = ByteBuffer.wrap(all, (int) (8 + n + a), b - a).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[(b - a) / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getLong();
        }
        return out;
    }

    static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new GenerateCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    @Test
    void greedyJsonReproducesTheFixtureIds() throws Exception {
        Path dir = fixture("qwen2-tiny");
        long[] input = i64(dir.resolve("expected.safetensors"), "input_ids");
        long[] greedy = i64(dir.resolve("expected.safetensors"), "greedy_ids");
        List<String> row0 = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            row0.add(Long.toString(input[i]));
        }
        String out = run("--model", dir.toString(), "--prompt-ids", String.join(",", row0), "--max-new-tokens", "24",
                "--temperature", "0", "--json");
        JsonNode o = new ObjectMapper().readTree(out);
        assertEquals(24, o.get("ids").size());
        for (int i = 0; i < 24; i++) {
            assertEquals(greedy[17 + i], o.get("ids").get(i).asLong(), "token " + i);
        }
        assertEquals(24, o.get("logprobs").size());
        assertEquals(24, o.get("entropies").size());
        for (int i = 0; i < 24; i++) {
            assertTrue(o.get("logprobs").get(i).asDouble() < 0 && o.get("entropies").get(i).asDouble() > 0);
        }
        assertTrue(o.get("text").isTextual());
        assertEquals("LENGTH", o.get("finish_reason").asText());
    }

    @Test
    void textPromptWithSamplingIsSeedReproducible() throws Exception {
        String dir = fixture("qwen3-tiny").toString();
        String[] args = {"--model", dir, "--prompt", "What is 12 + 7?", "--template", "ares-reasoning",
            "--max-new-tokens", "8", "--temperature", "0.8", "--top-p", "0.9", "--top-k", "40", "--seed", "5",
            "--ignore-eos", "--json"};
        JsonNode a = new ObjectMapper().readTree(run(args));
        JsonNode b = new ObjectMapper().readTree(run(args));
        assertEquals(a.get("ids"), b.get("ids"));
        assertEquals(8, a.get("ids").size());
        args[args.length - 3] = "6";
        JsonNode c = new ObjectMapper().readTree(run(args));
        assertNotEquals(a.get("ids").toString() + a.get("sampled_logprobs"), c.get("ids").toString()
                + c.get("sampled_logprobs"));
    }

    /** Issue 8 acceptance: the Qwen2.5-VL fixture's 12 greedy ids from its prompt ids and aligned.png. */
    @Test
    void imagePromptReproducesTheVisionLanguageFixtureIds() throws Exception {
        Path dir = fixture("qwen2_5_vl-tiny");
        long[] input = i64(dir.resolve("expected.safetensors"), "input_ids");
        long[] greedy = i64(dir.resolve("expected.safetensors"), "greedy_ids");
        List<String> ids = new ArrayList<>();
        for (long id : input) {
            ids.add(Long.toString(id));
        }
        String out = run("--model", dir.toString(), "--prompt-ids", String.join(",", ids), "--image",
                dir.resolve("aligned.png").toString(), "--max-new-tokens", "12", "--temperature", "0", "--json");
        JsonNode o = new ObjectMapper().readTree(out);
        assertEquals(12, o.get("ids").size());
        for (int i = 0; i < 12; i++) {
            assertEquals(greedy[input.length + i], o.get("ids").get(i).asLong(), "token " + i);
        }
    }

    /** Two images with --prompt: the template's placeholders expand to 6 + 20 pads, images in order. */
    @Test
    void severalImagesWithATextPromptFollowTheirOrder() throws Exception {
        Path dir = fixture("qwen2_5_vl-tiny");
        Path images = fixture("qwen2_5_vl-image-processor");
        String tiny = images.resolve("tiny.png").toString();
        String aligned = images.resolve("aligned.png").toString();
        JsonNode ab = new ObjectMapper().readTree(run("--model", dir.toString(), "--prompt", "compare", "--image", tiny,
                "--image", aligned, "--max-new-tokens", "6", "--temperature", "0", "--json"));
        JsonNode again = new ObjectMapper().readTree(run("--model", dir.toString(), "--prompt", "compare", "--image",
                tiny, "--image", aligned, "--max-new-tokens", "6", "--temperature", "0", "--json"));
        JsonNode ba = new ObjectMapper().readTree(run("--model", dir.toString(), "--prompt", "compare", "--image",
                aligned, "--image", tiny, "--max-new-tokens", "6", "--temperature", "0", "--json"));
        assertEquals(6, ab.get("ids").size());
        assertEquals(ab.get("ids"), again.get("ids"));
        // swapping the images changes which pads each embedding fills, so the model sees another prompt
        assertNotEquals(ab.get("logprobs").toString(), ba.get("logprobs").toString());
    }

    @Test
    void imagesNeedAVisionLanguageModel() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new GenerateCommand());
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(ex.getMessage());
            return 2;
        });
        int code = cli.execute("--model", fixture("qwen2-tiny").toString(), "--prompt-ids", "1,2,3", "--image",
                fixture("qwen2_5_vl-tiny").resolve("aligned.png").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("Qwen2.5-VL"), err.toString());
    }

    @Test
    void badPromptIdsAreReportedByPosition() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new GenerateCommand());
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(ex.getMessage());
            return 2;
        });
        int code = cli.execute("--model", fixture("qwen2-tiny").toString(), "--prompt-ids", "1,2,x3");
        assertEquals(2, code);
        assertTrue(err.toString().contains("item 2"), err.toString());
    }
}
