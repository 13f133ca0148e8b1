package dev.ares.kafkalocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop, restart on the same data directory, and stop from "another process" through the pid file. */
class LocalKafkaLifecycleTest {

    @TempDir
    Path dataDir;

    @Test
    void stopLeavesNoProcessFreesThePortAndRestartKeepsTopics() {
        LocalKafka first = LocalKafka.start(LocalKafka.Options.of(dataDir, 0));
        long pid = first.pid();
        int port = first.port();
        assertTrue(Files.exists(dataDir.resolve(BrokerFiles.PID_FILE)));
        assertEquals(pid, BrokerFiles.readPid(dataDir).orElseThrow());
        TopicSpec spec = new TopicSpec("lifecycle.keep", "survives a restart", 2, 1, 60000, "delete", 1048576, "lz4");
        TopicAdmin.apply(first.bootstrapServers(), List.of(spec));

        first.stop();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " still alive");
        assertTrue(LocalKafka.isFree(port), "port " + port + " still bound");
        assertFalse(Files.exists(dataDir.resolve(BrokerFiles.PID_FILE)));
        assertTrue(LocalKafka.find(dataDir).isEmpty());

        // Same data dir and port again: the log dir is already formatted, the topic is still there.
        LocalKafka second = LocalKafka.start(LocalKafka.Options.of(dataDir, port));
        try {
            assertEquals(port, second.port());
            TopicAdmin.ApplyResult r = TopicAdmin.apply(second.bootstrapServers(), List.of(spec));
            assertEquals(List.of("lifecycle.keep"), r.unchanged());
        } finally {
            // Stop it as `./ares kafka stop` would: through the pid file, from a fresh lookup.
            RunningBroker found = LocalKafka.find(dataDir).orElseThrow();
            assertEquals(second.pid(), found.pid());
            assertTrue(found.stop(Duration.ofSeconds(20)));
        }
        assertFalse(second.isAlive());
        assertTrue(LocalKafka.isFree(port), "port " + port + " still bound");
        assertTrue(LocalKafka.find(dataDir).isEmpty());
    }
}
