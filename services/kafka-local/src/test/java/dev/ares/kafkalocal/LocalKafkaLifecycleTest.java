package dev.ares.kafkalocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop, restart on the same data directory and port, and a broker that stops when the process it watches dies. */
class LocalKafkaLifecycleTest {

    @TempDir
    Path dataDir;

    @Test
    void stopFreesEverythingRestartKeepsTopicsAndAWatchedOwnerTakesTheBrokerDown() throws Exception {
        LocalKafka first = LocalKafka.start(LocalKafka.Options.of(dataDir, 0));
        long pid = first.pid();
        int port = first.port();
        assertEquals(pid, BrokerFiles.readPid(dataDir).orElseThrow());
        assertEquals(port, BrokerFiles.readPort(dataDir).orElseThrow());
        TopicSpec spec = new TopicSpec("lifecycle.keep", "survives a restart", 2, 1, 60000, "delete", 1048576, "lz4");
        TopicAdmin.apply(first.bootstrapServers(), List.of(spec));

        first.stop();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " still alive");
        assertTrue(LocalPorts.isFree(port), "port " + port + " still bound");
        assertFalse(Files.exists(dataDir.resolve(BrokerFiles.PID_FILE)));
        assertTrue(LocalKafka.find(dataDir).isEmpty());

        // Same data dir and port again, now watching an owner process: the log dir is already
        // formatted and the topic is still there; when the owner dies, the broker stops by itself.
        Process owner = new ProcessBuilder("sleep", "120").start();
        LocalKafka second;
        try {
            second = LocalKafka.start(LocalKafka.Options.of(dataDir, port).withWatchPid(owner.pid()));
        } catch (RuntimeException e) {
            owner.destroyForcibly();
            throw e;
        }
        try {
            assertEquals(port, second.port());
            assertEquals(List.of("lifecycle.keep"), TopicAdmin.apply(second.bootstrapServers(), List.of(spec)).unchanged());
            assertEquals(second.pid(), LocalKafka.find(dataDir).orElseThrow().pid());
        } finally {
            owner.destroyForcibly();
            owner.waitFor(5, TimeUnit.SECONDS);
        }
        boolean exited = ProcessHandle.of(second.pid()).map(h -> {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }).orElse(true);
        if (!exited) {
            second.stop();
        }
        assertTrue(exited, "the broker outlived the process it watched");
        assertTrue(LocalPorts.isFree(port), "port " + port + " still bound");
        assertFalse(Files.exists(dataDir.resolve(BrokerFiles.PID_FILE)), "pid file left behind");
        assertTrue(Files.readString(second.logFile()).contains("watched process " + owner.pid() + " exited"));
    }
}
