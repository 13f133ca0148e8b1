package dev.ares.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.io.PathRefusedException;
import dev.ares.core.tasks.BarChartFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image paths in dataset rows are confined to the dataset file's directory (issue 10, security item 3): a row
 * pointing at {@code ../}, an absolute path or a link out of the directory is a bad row naming the field, even
 * when the file it names exists and is a valid image.
 */
class DatasetPathConfinementTest {
    @TempDir
    Path tmp;

    @Test
    void escapingImagePathsAreBadRowsAndConfinedOnesAreRead() throws Exception {
        byte[] png = new BarChartFamily().generate(1, 1).problem().image();
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.write(outside.resolve("x.png"), png);
        Files.createDirectories(data.resolve("images"));
        Files.write(data.resolve("images/ok.png"), png);
        Files.createSymbolicLink(data.resolve("images/link.png"), outside.resolve("x.png"));
        String abs = outside.resolve("x.png").toString();
        Files.write(data.resolve("set.jsonl"), List.of(
                "{\"problem\":\"<image>a\",\"answer\":\"1\",\"images\":[\"../outside/x.png\"]}",
                "{\"problem\":\"<image>b\",\"answer\":\"1\",\"images\":[\"" + abs + "\"]}",
                "{\"problem\":\"<image>c\",\"answer\":\"1\",\"images\":[{\"path\":\"images/../../outside/x.png\"}]}",
                "{\"problem\":\"<image>d\",\"answer\":\"1\",\"images\":[\"images/link.png\"]}",
                "{\"problem\":\"<image>e\",\"answer\":\"1\",\"images\":[\"images/ok.png\"]}"));
        List<DatasetFormatException> bad = new ArrayList<>();
        List<DatasetExample> good = new ArrayList<>();
        try (JsonlExampleReader r = new JsonlExampleReader(data.resolve("set.jsonl"), BadRowPolicy.SKIP, bad::add)) {
            r.forEachRemaining(good::add);
        }
        assertEquals(1, good.size());
        assertEquals(5L, good.get(0).row());
        assertEquals(1, good.get(0).images().size());
        assertEquals(List.of(1L, 2L, 3L, 4L), bad.stream().map(DatasetFormatException::row).toList());
        for (DatasetFormatException e : bad) {
            assertTrue(e.getCause() instanceof PathRefusedException, e.toString());
            assertTrue(e.field().startsWith("images[0]"), e.field());
            assertTrue(e.getMessage().contains("is refused"), e.getMessage());
        }
    }
}
