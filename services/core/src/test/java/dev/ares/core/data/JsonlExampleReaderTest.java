package dev.ares.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.core.tasks.BarChartFamily;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.ShapeCountFamily;
import dev.ares.core.tasks.Split;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSONL in the EasyR1/ARES layout: text and image rows, broken rows skipped or fatal, streaming. */
class JsonlExampleReaderTest {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final byte[] png = new BarChartFamily().generate(1, 1).problem().image();
    private final byte[] png2 = new ShapeCountFamily().generate(2, 2).problem().image();

    private Path writeDataset() throws Exception {
        Files.createDirectories(dir.resolve("images"));
        Files.write(dir.resolve("images/a.png"), png);
        List<String> lines = new ArrayList<>();
        lines.add("{\"id\":\"t1\",\"problem\":\"What is 1 + 2?\",\"answer\":\"3\",\"source\":\"synthetic\"}"); // 1
        lines.add("{\"prompt\":\"What is 6 × 7?\",\"answer\":42}");                                                 // 2
        lines.add("{\"problem\":\"<image>Which bar is tallest?\",\"answer\":\"D\",\"images\":[\"images/a.png\"]}"); // 3
        lines.add(json.writeValueAsString(json.createObjectNode().put("problem", "<image>How many?").put("answer", "2")
                .set("images", json.createArrayNode().add(json.createObjectNode()
                        .put("bytes", Base64.getEncoder().encodeToString(png2)).putNull("path")))));               // 4
        lines.add("{\"problem\": \"broken");                                                                         // 5
        lines.add("{\"problem\":\"What is 2 + 2?\"}");                                                               // 6
        lines.add("{\"problem\":\"<image>x\",\"answer\":\"1\",\"images\":[\"images/missing.png\"]}");              // 7
        lines.add("{\"problem\":\"<image>x\",\"answer\":\"1\",\"images\":[{\"bytes\":\""
                + Base64.getEncoder().encodeToString("not an image".getBytes(StandardCharsets.UTF_8)) + "\"}]}");   // 8
        ObjectNode chat = json.createObjectNode().put("answer", "A");
        chat.putArray("prompt").addObject().put("role", "system").put("content", "be brief");
        ObjectNode user = ((com.fasterxml.jackson.databind.node.ArrayNode) chat.get("prompt")).addObject().put("role", "user");
        user.putArray("content").add(json.createObjectNode().put("type", "image"))
                .add(json.createObjectNode().put("type", "text").put("text", "Which is it?"));
        chat.putArray("images").add("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        lines.add(json.writeValueAsString(chat));                                                                    // 9
        lines.add("");                                                                                               // 10
        lines.add("{\"problem\":\"<image><image>two?\",\"answer\":\"1\",\"images\":[\"images/a.png\"]}");          // 11
        lines.add("[1, 2]");                                                                                         // 12
        lines.add("{\"problem\":\"What is 9 - 4?\",\"answer\":\"5\"}");                                             // 13
        Path f = dir.resolve("data.jsonl");
        Files.write(f, lines);
        return f;
    }

    @Test
    void skipsBadRowsReportingTheirLineNumbers() throws Exception {
        Path f = writeDataset();
        List<DatasetFormatException> bad = new ArrayList<>();
        List<DatasetExample> rows = new ArrayList<>();
        try (JsonlExampleReader r = new JsonlExampleReader(f, BadRowPolicy.SKIP, bad::add)) {
            r.forEachRemaining(rows::add);
            assertEquals(6, r.skippedRows());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 9L, 13L), rows.stream().map(DatasetExample::row).toList());
        assertEquals(List.of(5L, 6L, 7L, 8L, 11L, 12L), bad.stream().map(DatasetFormatException::row).toList());
        assertEquals("answer", bad.get(1).field());
        assertEquals("images[0]", bad.get(2).field());
        assertTrue(bad.get(2).getMessage().contains("not found"), bad.get(2).getMessage());
        assertEquals("images[0]", bad.get(3).field());
        assertEquals("images", bad.get(4).field());
        assertTrue(bad.get(0).getMessage().contains("data.jsonl:5"), bad.get(0).getMessage());

        assertEquals("t1", rows.get(0).id());
        assertEquals("synthetic", rows.get(0).source());
        assertEquals("What is 6 × 7?", rows.get(1).prompt());
        assertEquals("42", rows.get(1).answer());
        assertEquals("data.jsonl:2", rows.get(1).id());
        assertArrayEquals(png, rows.get(2).images().get(0).bytes());
        assertEquals("image/png", rows.get(2).images().get(0).mime());
        assertTrue(rows.get(2).images().get(0).path().endsWith("images/a.png"));
        assertArrayEquals(png2, rows.get(3).images().get(0).bytes());
        assertNull(rows.get(3).images().get(0).path());
        assertEquals("<image>Which is it?", rows.get(4).prompt());
        assertArrayEquals(png, rows.get(4).images().get(0).bytes());
        assertTrue(rows.get(0).images().isEmpty());
    }

    @Test
    void failPolicyStopsAtTheFirstBadRowAfterStreamingTheGoodOnes() throws Exception {
        Path f = writeDataset();
        try (JsonlExampleReader r = new JsonlExampleReader(f, BadRowPolicy.FAIL, e -> { })) {
            for (int i = 0; i < 4; i++) {
                assertTrue(r.hasNext());
                assertEquals(i + 1, r.next().row());
            }
            DatasetFormatException e = assertThrows(DatasetFormatException.class, r::hasNext);
            assertEquals(5, e.row());
            assertEquals(f, e.file());
        }
    }

    @Test
    void readsBackTheColdStartWritersOutput() throws Exception {
        var tasks = Curriculum.all().take(Split.HELDOUT, 4, 40);
        var pool = AdaCs.poolFromTasks(tasks, PassRates.fromPriors(8), String::length);
        var sel = AdaCs.select(pool, 30, AdaCs.Mode.VANILLA, AdaCs.AnchorMode.EXTREMES, 2);
        Path out = dir.resolve("cs/out.jsonl");
        ColdStartWriter.write(sel, out, PromptFormat.BARE);
        List<DatasetExample> back = new ArrayList<>();
        try (JsonlExampleReader r = new JsonlExampleReader(out, BadRowPolicy.FAIL, e -> { })) {
            r.forEachRemaining(back::add);
        }
        assertEquals(sel.size(), back.size());
        for (int i = 0; i < back.size(); i++) {
            var p = sel.get(i).item().problem();
            assertEquals(p.id(), back.get(i).id());
            assertEquals(p.answer(), back.get(i).answer());
            assertEquals(p.hasImage(), !back.get(i).images().isEmpty());
            if (p.hasImage()) {
                assertArrayEquals(p.image(), back.get(i).images().get(0).bytes());
            }
        }
    }

    @Test
    void missingFileIsAnIoError() {
        assertThrows(java.io.IOException.class, () -> new JsonlExampleReader(dir.resolve("nope.jsonl"), BadRowPolicy.SKIP, e -> { }));
        assertFalse(Files.exists(dir.resolve("nope.jsonl")));
    }
}
