package dev.ares.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which shipped cold start a demo picks (no training happens in these cases: a complete folder is always found). */
class ColdStartTest {
    @TempDir
    Path root;

    private Path ship(String name) throws IOException {
        Path dir = root.resolve("demo/cold-start").resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve(ColdStart.MARKER), "test\n");
        return dir;
    }

    @Test
    void bothPresetsPreferTheShippedDefaultColdStart() throws IOException {
        Path quick = ship("quick-s0");
        Path def = ship("default-s0");
        List<String> log = new ArrayList<>();
        assertEquals(def, ColdStart.ensure(root, true, 0, false, log::add));
        assertEquals(def, ColdStart.ensure(root, false, 0, false, log::add));
        assertEquals(2, log.size());
        Files.delete(def.resolve(ColdStart.MARKER));
        assertEquals(quick, ColdStart.ensure(root, true, 0, false, log::add), "an incomplete default folder is skipped");
    }

    @Test
    void aCompleteCacheWinsOverShippedFolders() throws IOException {
        ship("default-s0");
        Path cache = ColdStart.cacheDir(root, true, 3);
        Files.createDirectories(cache);
        Files.writeString(cache.resolve("config.json"), "{}");
        Files.writeString(cache.resolve(ColdStart.MARKER), "test\n");
        ship("default-s3");
        assertEquals(cache, ColdStart.ensure(root, true, 3, false, line -> { }));
    }
}
