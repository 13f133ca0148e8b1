package dev.ares.kafkalocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding this run's lines and the first error in a broker log. */
class LogTailTest {

    @Test
    void lastRunStartsAtTheLastMarkerAndTailKeepsTheLastLines(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("broker.log");
        Files.writeString(log, "=== run 1\n[t] ERROR old failure (x)\n=== run 2\n[t] INFO fine (x)\nline a\nline b\n");
        assertEquals("=== run 2\n[t] INFO fine (x)\nline a\nline b\n", LogTail.lastRun(log, "=== "));
        assertEquals(String.join(System.lineSeparator(), "line a", "line b"), LogTail.of(log, 2));
        assertNull(LogTail.firstError(LogTail.lastRun(log, "=== ")));
        assertEquals("[t] ERROR old failure (x)", LogTail.firstError(Files.readString(log)));
    }

    @Test
    void firstErrorFindsExceptionLines() {
        assertEquals("org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:9: Address already in use.",
                LogTail.firstError("[t] INFO ok (x)\norg.apache.kafka.common.KafkaException: Socket server failed to bind"
                        + " to 127.0.0.1:9: Address already in use.\n\tat kafka.network.Acceptor.openServerSocket"));
        assertEquals("Exception in thread \"main\" java.lang.RuntimeException: boom",
                LogTail.firstError("x\nException in thread \"main\" java.lang.RuntimeException: boom\n"));
    }

    @Test
    void unreadableLogGivesANoteNotAnException(@TempDir Path dir) {
        Path missing = dir.resolve("none.log");
        assertEquals("", LogTail.lastRun(missing, "=== "));
        assertEquals(true, LogTail.of(missing, 3).startsWith("(log " + missing + " unreadable"));
    }
}
