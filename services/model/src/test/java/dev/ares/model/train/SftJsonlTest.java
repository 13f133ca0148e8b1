package dev.ares.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.data.BadRowPolicy;
import dev.ares.core.data.DatasetFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SftJsonl} on files the test writes: both layouts, image rows, malformed rows under both policies. */
class SftJsonlTest {
    @TempDir
    Path tmp;

    private static final String GOOD_MESSAGES = "{\"id\":\"a1\",\"family\":\"addition\",\"level\":2,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"What is 12 + 7?\"},"
            + "{\"role\":\"assistant\",\"content\":\"<think>\\n12 + 7 = 19\\n</think> \\\\boxed{19}\"}]}";
    private static final String GOOD_PLAIN = "{\"problem\":\"What is 2 + 2?\",\"response\":\"\\\\boxed{4}\","
            + "\"data_source\":\"mine\"}";
    private static final String IMAGE = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\","
            + "\"image\":\"images/x.png\"},{\"type\":\"text\",\"text\":\"How many?\"}]},"
            + "{\"role\":\"assistant\",\"content\":\"3\"}],\"images\":[\"images/x.png\"]}";

    private Path write(String... lines) throws IOException {
        Path f = tmp.resolve("d.jsonl");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void readsBothLayoutsAndSkipsImageRows() throws IOException {
        SftJsonl.Result r = SftJsonl.read(write(GOOD_MESSAGES, "", IMAGE, GOOD_PLAIN), BadRowPolicy.FAIL, e -> { });
        assertEquals(2, r.records().size());
        assertEquals(1, r.imageRows());
        SftRecord a = r.records().get(0);
        assertEquals("a1", a.id());
        assertEquals("addition", a.source());
        assertEquals(2, a.level());
        assertEquals("What is 12 + 7?", a.user());
        assertEquals("<think>\n12 + 7 = 19\n</think> \\boxed{19}", a.response());
        SftRecord b = r.records().get(1);
        assertEquals("mine", b.source());
        assertEquals("row-4", b.id());
        assertEquals(0, b.level());
    }

    @Test
    void malformedRowsNameFileLineAndField() throws IOException {
        Path f = write(GOOD_PLAIN, "{not json", "{\"problem\":\"q\"}", "{\"problem\":\"q\",\"response\":5}",
                "{\"messages\":[{\"role\":\"assistant\",\"content\":\"x\"}]}", GOOD_MESSAGES);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> SftJsonl.read(f, BadRowPolicy.FAIL, x -> { }));
        assertEquals(2, e.row());
        assertTrue(e.getMessage().contains("d.jsonl:2"), e.getMessage());
        List<DatasetFormatException> bad = new ArrayList<>();
        SftJsonl.Result r = SftJsonl.read(f, BadRowPolicy.SKIP, bad::add);
        assertEquals(2, r.records().size());
        assertEquals(4, r.badRows());
        assertEquals(List.of(2L, 3L, 4L, 5L), bad.stream().map(DatasetFormatException::row).toList());
        assertEquals("response", bad.get(1).field());
        assertEquals("response", bad.get(2).field());
        assertEquals("messages", bad.get(3).field());
    }

    @Test
    void aFileWithoutTextRowsIsAnError() throws IOException {
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> SftJsonl.read(write(IMAGE), BadRowPolicy.SKIP, x -> { }));
        assertEquals(0, e.row());
        assertTrue(e.getMessage().contains("1 image rows"), e.getMessage());
    }
}
