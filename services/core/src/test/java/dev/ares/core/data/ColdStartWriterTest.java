package dev.ares.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSONL dataset rows and the measured-pass-rate file. */
class ColdStartWriterTest {

    @TempDir
    Path dir;

    @Test
    void rowsCarryPromptResponseAnswerAndImagesOnDisk() throws Exception {
        List<Task> tasks = Curriculum.all().take(Split.TRAIN, 8, 120);
        Map<String, Task> byId = new HashMap<>();
        tasks.forEach(t -> byId.put(t.problem().id(), t));
        List<CsItem> pool = AdaCs.poolFromTasks(tasks, PassRates.fromPriors(8), String::length);
        List<CsSelection> sel = AdaCs.select(pool, 60, AdaCs.Mode.ADAPTIVE, AdaCs.AnchorMode.EXTREMES, 1);
        Path out = dir.resolve("sub/coldstart.jsonl");
        ColdStartWriter.write(sel, out, PromptFormat.ARES);
        List<String> lines = Files.readAllLines(out);
        assertEquals(60, lines.size());
        int images = 0;
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode row = json.readTree(lines.get(i));
            CsSelection s = sel.get(i);
            Task t = byId.get(row.get("id").asText());
            assertEquals(t.problem().answer(), row.get("answer").asText());
            assertEquals(s.chosen().response(), row.get("response").asText());
            assertTrue(row.get("response").asText().endsWith("\\boxed{" + t.problem().answer() + "}"));
            assertEquals("assistant", row.get("messages").get(1).get("role").asText());
            assertEquals(row.get("response").asText(), row.get("messages").get(1).get("content").asText());
            assertTrue(row.get("problem").asText().contains(t.problem().prompt()));
            assertTrue(row.get("problem").asText().contains("\\boxed{}"), "ARES instruction appended");
            assertEquals(s.chosen().length(), row.get("chosen_length").asInt());
            assertEquals(s.item().passRate().value(), row.get("pass_rate").asDouble(), 1e-12);
            assertEquals("prior", row.get("pass_rate_origin").asText());
            assertEquals("adaptive", row.get("selection").asText());
            if (t.problem().hasImage()) {
                images++;
                assertTrue(row.get("problem").asText().startsWith("<image>"));
                Path img = out.getParent().resolve(row.get("images").get(0).asText());
                assertArrayEquals(t.problem().image(), Files.readAllBytes(img));
                assertEquals("image", row.get("messages").get(0).get("content").get(0).get("type").asText());
            } else {
                assertTrue(row.get("images") == null);
                assertEquals(row.get("problem").asText(), row.get("messages").get(0).get("content").asText());
            }
        }
        assertTrue(images > 5, "the mix has image rows: " + images);
        assertEquals(List.of("coldstart.jsonl", "images"), Files.list(out.getParent()).map(p -> p.getFileName().toString())
                .sorted().toList(), "no temporary file left behind");
    }

    @Test
    void measuredPassRatesAreReadAndBadLinesNamed() throws Exception {
        Path ok = dir.resolve("rates.jsonl");
        Files.writeString(ok, "{\"id\":\"a\",\"correct\":3,\"samples\":8}\n\n{\"id\":\"b\",\"correct\":0,\"samples\":8}\n");
        Map<String, PassRate> m = PassRates.readJsonl(ok);
        assertEquals(0.375, m.get("a").value());
        assertEquals(PassRate.Origin.SAMPLED, m.get("b").origin());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\":\"a\",\"correct\":3,\"samples\":8}\n{\"id\":\"b\",\"correct\":\"x\",\"samples\":8}\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> PassRates.readJsonl(bad));
        assertEquals(2, e.row());
        assertEquals("correct", e.field());
        assertTrue(e.getMessage().contains("bad.jsonl:2"), e.getMessage());
        Path over = dir.resolve("over.jsonl");
        Files.writeString(over, "{\"id\":\"a\",\"correct\":9,\"samples\":8}\n");
        assertEquals(1, assertThrows(DatasetFormatException.class, () -> PassRates.readJsonl(over)).row());
        Path dup = dir.resolve("dup.jsonl");
        Files.writeString(dup, "{\"id\":\"a\",\"correct\":1,\"samples\":8}\n{\"id\":\"a\",\"correct\":1,\"samples\":8}\n");
        assertEquals("id", assertThrows(DatasetFormatException.class, () -> PassRates.readJsonl(dup)).field());
    }
}
