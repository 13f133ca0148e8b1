package dev.ares.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.core.checkpoint.CheckpointStore;
import dev.ares.model.DeviceSpec;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./ares sft} on the qwen2-tiny fixture: outputs, flag errors, and a real SIGKILL of a child JVM followed by a
 * resume that ends with the weights of an uninterrupted run (issue 5 acceptance).
 */
class SftCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AresCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path data() throws IOException {
        ObjectMapper om = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (int a = 1; a <= 6; a++) {
            for (int b = 1; b <= 4; b++) {
                ObjectNode o = om.createObjectNode();
                o.put("id", "add-" + a + "-" + b);
                o.put("family", "addition");
                o.put("level", 1);
                o.put("problem", "What is " + a + " + " + b + "?");
                o.put("response", "<think>\n" + a + " + " + b + " = " + (a + b) + "\n</think> \\boxed{" + (a + b) + "}");
                lines.add(om.writeValueAsString(o));
            }
        }
        Path f = tmp.resolve("d.jsonl");
        Files.write(f, lines);
        return f;
    }

    private static String fixture() {
        return GenerateCommandTest.fixture("qwen2-tiny").toString();
    }

    @Test
    void trainsAndWritesModelLogAndPlot() throws Exception {
        Path out = tmp.resolve("out");
        Run r = run("sft", "--model", fixture(), "--data", data().toString(), "--out", out.toString(), "--steps", "12",
                "--batch", "4", "--warmup", "2", "--lr", "3e-3", "--checkpoint-every", "5", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trained 12 steps (fresh)"), r.out());
        assertTrue(r.err().contains("sft [") && r.err().contains("tok/s") && r.err().contains("ETA"), r.err());
        List<String> log = Files.readAllLines(out.resolve("sft-log.csv"));
        assertEquals(13, log.size());
        double first = Double.parseDouble(log.get(1).split(",")[1]);
        double last = Double.parseDouble(log.get(12).split(",")[1]);
        assertTrue(last < first, "loss " + first + " -> " + last);
        assertEquals(900, ImageIO.read(out.resolve("loss.png").toFile()).getWidth());
        try (QwenModel m = QwenModel.load(out, DeviceSpec.cpu())) {
            assertEquals(384, m.config().vocabSize());
        }
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
        // 5, 10 and the final 12 were written; two are kept
        assertEquals(List.of(10L, 12L), new CheckpointStore(out.resolve("checkpoints")).versions());
        Run again = run("sft", "--model", fixture(), "--data", data().toString(), "--out", out.toString(), "--steps",
                "12", "--batch", "4", "--warmup", "2", "--lr", "3e-3", "--checkpoint-every", "5", "--threads", "1");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("resumed at step 12"), again.out());
    }

    @Test
    void badFlagsAreUsageErrors() throws Exception {
        Path out = tmp.resolve("o");
        assertEquals(2, run("sft", "--out", out.toString()).code(), "neither --init nor --model");
        Run r = run("sft", "--init", "tiny", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--init must be demo"), r.err());
        r = run("sft", "--model", fixture(), "--data", tmp.resolve("missing.jsonl").toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such file"), r.err());
        r = run("sft", "--model", fixture(), "--data", data().toString(), "--out", out.toString(), "--warmup", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("warmupSteps"), r.err());
        Files.writeString(tmp.resolve("bad.jsonl"), "{\"problem\":\"q\"}\n");
        r = run("sft", "--model", fixture(), "--data", tmp.resolve("bad.jsonl").toString(), "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.jsonl:1 field 'response'"), r.err());
    }

    /**
     * A child JVM runs {@code ares sft}; once its first checkpoint is complete it is killed with SIGKILL. Rerunning the
     * same command resumes from the newest checkpoint and ends with the bytes of an uninterrupted run's weights.
     */
    @Test
    void sigkillThenRerunResumesAndMatchesAnUninterruptedRun() throws Exception {
        String[] common = {"--model", fixture(), "--data", data().toString(), "--steps", "300", "--batch", "4",
                "--warmup", "5", "--lr", "2e-3", "--checkpoint-every", "10", "--threads", "1"};
        Path killed = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                AresCli.class.getName(), "sft", "--out", killed.toString()));
        cmd.addAll(List.of(common));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
                .start();
        CheckpointStore store = new CheckpointStore(killed.resolve("checkpoints"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (store.latestComplete().isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor(30, TimeUnit.SECONDS);
        String childLog = Files.readString(tmp.resolve("child.log"));
        long at = store.latestComplete().orElseThrow(() -> new AssertionError("no checkpoint before the kill: "
                + childLog)).version();
        assertTrue(at < 300, "killed before the end (checkpoint " + at + ")");
        assertTrue(!Files.exists(killed.resolve("model.safetensors")), "no final model after the kill");

        List<String> resume = new ArrayList<>(List.of("sft", "--out", killed.toString()));
        resume.addAll(List.of(common));
        Run r = run(resume.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        long resumedAt = Long.parseLong(r.out().replaceAll("(?s).*resumed at step (\\d+).*", "$1"));
        assertTrue(resumedAt >= at, "resumed at " + resumedAt + ", checkpoint " + at);

        Path clean = tmp.resolve("clean");
        List<String> full = new ArrayList<>(List.of("sft", "--out", clean.toString()));
        full.addAll(List.of(common));
        assertEquals(0, run(full.toArray(String[]::new)).code());
        try (SafetensorsFile a = SafetensorsFile.open(killed.resolve("model.safetensors"));
             SafetensorsFile b = SafetensorsFile.open(clean.resolve("model.safetensors"))) {
            assertEquals(b.names(), a.names());
            for (String n : a.names()) {
                assertEquals(b.bytes(n), a.bytes(n), n);
            }
        }
    }
}
