package dev.ares.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image cold-start cache is keyed by its recipe; the last line of {@code ./ares demo --multimodal}. */
class MultimodalDemoTest {

    @Test
    void aCacheIsReusedOnlyWhenItsMarkerNamesTheCurrentRecipe(@TempDir Path repo) throws Exception {
        Path dir = repo.resolve(".cache/ares/cold-start/vl-s3");
        Files.createDirectories(dir);
        assertFalse(MultimodalDemo.madeWithRecipe(dir), "empty folder");
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve(ColdStart.MARKER), "2026-11-26T10:00:00Z\n");
        assertFalse(MultimodalDemo.madeWithRecipe(dir), "a marker without a recipe (made before recipes were recorded)");
        List<String> old = new ArrayList<>(MultimodalDemo.SFT_ARGS);
        old.set(old.indexOf("--steps") + 1, "400");
        Files.writeString(dir.resolve(ColdStart.MARKER), "t\n" + String.join(" ", old) + "\n");
        assertFalse(MultimodalDemo.madeWithRecipe(dir), "another recipe");
        Files.writeString(dir.resolve(ColdStart.MARKER), "t\n" + String.join(" ", MultimodalDemo.SFT_ARGS) + "\n");
        assertTrue(MultimodalDemo.madeWithRecipe(dir));
        List<String> logged = new ArrayList<>();
        assertEquals(dir, MultimodalDemo.coldStart(repo, 3, false, logged::add));
        assertTrue(logged.get(0).startsWith("reusing the cached"), logged.toString());
    }

    @Test
    void summaryLineCarriesBothAccuraciesAndTheRun() throws Exception {
        String line = MultimodalDemo.summary(new MultimodalDemo.Measured(0.86, 50), new MultimodalDemo.Measured(0.92, 50),
                10, 10, Path.of("a.json"), Path.of("b.json"), "http://127.0.0.1:8080");
        JsonNode j = new ObjectMapper().readTree(line);
        assertEquals(0.86, j.get("accuracy_cold_start").asDouble());
        assertEquals(0.92, j.get("accuracy").asDouble());
        assertEquals(50, j.get("heldout_problems").asInt());
        assertEquals(10, j.get("steps").asInt());
        assertEquals(10, j.get("checkpoint_version").asLong());
        assertEquals("http://127.0.0.1:8080", j.get("inference_url").asText());
        assertEquals(0.25, j.get("chance").asDouble());
    }
}
