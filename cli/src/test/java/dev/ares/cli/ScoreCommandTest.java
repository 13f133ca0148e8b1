package dev.ares.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./ares score} end to end on files. */
class ScoreCommandTest {
    private final ObjectMapper om = new ObjectMapper();

    private static String trajectory(boolean correct, int len, int[] spikes) {
        StringBuilder e = new StringBuilder();
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < len; i++) {
            boolean spike = false;
            for (int s : spikes) {
                spike |= i > s && i <= s + 4; // the 4 tokens after a trigger at s
            }
            boolean trig = false;
            for (int s : spikes) {
                trig |= i == s;
            }
            e.append(i == 0 ? "" : ",").append(spike ? "2.0" : "0.1");
            t.append(i == 0 ? "" : ",").append(trig);
        }
        return "{\"correct\":" + correct + ",\"entropies\":[" + e + "],\"triggers\":[" + t + "]}";
    }

    private int run(String... args) {
        return new CommandLine(new ScoreCommand()).execute(args);
    }

    @Test
    void scoresAnEasyGroupLikeTheHandComputation(@TempDir Path dir) throws Exception {
        // 6 of 8 correct (easy); trajectory 0 has one trigger followed by a high-entropy window, the rest none
        StringBuilder line = new StringBuilder("{\"groupId\":\"q1\",\"trajectories\":[");
        for (int j = 0; j < 8; j++) {
            line.append(j == 0 ? "" : ",").append(trajectory(j < 6, 20, j == 0 ? new int[] {3} : new int[0]));
        }
        line.append("]}");
        Path in = dir.resolve("in.jsonl");
        Path out = dir.resolve("out.jsonl");
        Files.writeString(in, line + "\n");
        assertEquals(0, run("--in", in.toString(), "--out", out.toString(), "--tau", "1.0", "--group-size", "8"));
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        JsonNode g = om.readTree(lines.get(0));
        assertEquals("q1", g.get("groupId").asText());
        assertEquals("easy", g.get("bucket").asText());
        // N = [1, 0, …, 0]; target round(1/8) = 0; m = 1.
        // correct N=1: Δ − m = 0 → E = 0 → 1.0; correct N=0 → 1.0; incorrect N=0: 0.6·0.5·σ(0) = 0.15
        double[] overall = {1, 1, 1, 1, 1, 1, 0.15, 0.15};
        double mean = (6 + 0.3) / 8;
        double ss = 0;
        for (double r : overall) {
            ss += (r - mean) * (r - mean);
        }
        double std = Math.sqrt(ss / 7);
        for (int j = 0; j < 8; j++) {
            JsonNode t = g.get("trajectories").get(j);
            assertEquals("easy", t.get("bucket").asText());
            assertEquals(j == 0 ? 1 : 0, t.get("hweCount").asInt(), "trajectory " + j);
            assertEquals(overall[j], t.get("overall").asDouble(), 1e-9);
            assertEquals((overall[j] - mean) / (std + 1e-6), t.get("advantage").asDouble(), 1e-9);
        }
        JsonNode batch = om.readTree(lines.get(1)).get("batch");
        assertEquals(1.0, batch.get("threshold").asDouble(), 0.0);
        assertEquals("fixed", batch.get("thresholdOrigin").asText());
        assertEquals(0.0, batch.get("bucketTargets").get("easy").asDouble(), 0.0);
        assertTrue(batch.get("bucketTargets").get("hard").isNull());
        assertEquals(1, batch.get("controllerState").get("step").asInt());
    }

    @Test
    void reportsEveryBadLineWithItsNumberAndWritesNothing(@TempDir Path dir) throws Exception {
        String good = "{\"groupId\":\"a\",\"trajectories\":[" + trajectory(true, 8, new int[0]) + ","
                + trajectory(false, 8, new int[0]) + "]}";
        Path in = dir.resolve("bad.jsonl");
        Files.writeString(in, good + "\n{not json\n{\"groupId\":\"b\",\"trajectories\":[{\"correct\":true,"
                + "\"entropies\":[0.1,0.2]}]}\n\n" + good.replace("\"a\"", "\"c\"").replace("true", "\"yes\"") + "\n"
                + good + "\n");
        Path out = dir.resolve("out.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = run("--in", in.toString(), "--out", out.toString());
        } finally {
            System.setErr(old);
        }
        String msg = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code);
        assertTrue(msg.contains("bad.jsonl:2: invalid JSON"), msg);
        assertTrue(msg.contains("bad.jsonl:3: trajectories[0].triggers"), msg);
        assertTrue(msg.contains("bad.jsonl:5: trajectories[0].correct"), msg);
        assertTrue(msg.contains("bad.jsonl:6: duplicate groupId 'a' (first on line 1)"), msg);
        assertFalse(Files.exists(out));

        assertEquals(0, run("--in", in.toString(), "--out", out.toString(), "--skip-bad", "--mode", "paper"));
        assertEquals(2, Files.readAllLines(out).size(), "one good group and the batch line");
    }
}
