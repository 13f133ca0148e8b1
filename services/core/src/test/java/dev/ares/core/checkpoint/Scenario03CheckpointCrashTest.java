package dev.ares.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * reliability.md scenario 3 (tier U): a crash during a checkpoint write, at each phase of the write (in particular
 * between "shards fsynced" and "manifest renamed"), in both flavours of Kafka's bounce matrix: an exception
 * (the writer survives and cleans up) and a halt (a child JVM dies with {@link Runtime#halt}, leaving its
 * temporary directory). In every case no complete version appears that was not committed, {@code latest} stays on
 * the previous complete checkpoint, the orphan is removed on the next start ({@link CheckpointStore#openForWriter}),
 * retention never deletes the last complete checkpoint, and the interrupted version can then be written.
 *
 * <p>The store has no separate "latest" pointer file: {@code latest} is the newest directory that verifies, and
 * the atomic rename of the directory is the commit; so "killed while writing the latest pointer" is the
 * {@code MANIFEST_SYNCED} halt below (the last instant before the rename).
 */
class Scenario03CheckpointCrashTest {
    @TempDir
    Path root;

    private static Map<String, byte[]> files(long v) {
        return Map.of("model.safetensors", ("w" + v).repeat(500).getBytes(StandardCharsets.UTF_8));
    }

    private List<Path> temporaries() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList();
        }
    }

    @ParameterizedTest
    @EnumSource(value = CheckpointFaultHook.Phase.class, names = {"FILES_WRITTEN", "SHARDS_SYNCED", "MANIFEST_SYNCED"})
    void exceptionBeforeCommitLeavesThePreviousCheckpointAsLatest(CheckpointFaultHook.Phase crashAt) throws IOException {
        List<Long> written = new ArrayList<>();
        CheckpointListener listener = new CheckpointListener() {
            @Override
            public void written(Checkpoint c) {
                written.add(c.version());
            }
        };
        CheckpointStore store = new CheckpointStore(root, listener, (phase, v, dir) -> {
            if (phase == crashAt && v == 2) {
                assertTrue(dir.getFileName().toString().startsWith(".tmp-"), "writes go to a temporary directory");
                throw new IOException("injected fault at " + phase);
            }
        });
        store.writeBytes(CheckpointInfo.full(1, 10), files(1));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> store.writeBytes(CheckpointInfo.full(2, 20), files(2)));
        assertTrue(e.getMessage().contains("injected fault at " + crashAt), e.getMessage());

        assertEquals(1, store.latestComplete().orElseThrow().version());
        assertEquals(1, store.latestVerified().orElseThrow().version());
        assertEquals(List.of(1L), store.versions(), "no directory of v2 under its final name");
        assertEquals(List.of(), temporaries(), "the failed write removed its temporary directory");
        assertEquals(List.of(1L), written);
        assertEquals(List.of(), store.retain(1));
        assertEquals(2, new CheckpointStore(root).writeBytes(CheckpointInfo.full(2, 20), files(2)).version());
    }

    @ParameterizedTest
    @EnumSource(value = CheckpointFaultHook.Phase.class, names = {"FILES_WRITTEN", "SHARDS_SYNCED", "MANIFEST_SYNCED"})
    void haltBeforeCommitLeavesAnOrphanThatTheNextStartRemoves(CheckpointFaultHook.Phase crashAt) throws Exception {
        CheckpointStore store = new CheckpointStore(root);
        store.writeBytes(CheckpointInfo.full(1, 10), files(1));
        store.writeBytes(CheckpointInfo.full(2, 20), files(2));

        assertEquals(CheckpointCrashChild.HALT_STATUS, runChild(3, crashAt));

        List<Path> orphans = temporaries();
        assertEquals(1, orphans.size(), "the halted write left its temporary directory: " + orphans);
        assertTrue(orphans.get(0).getFileName().toString().startsWith(".tmp-v000003-"), orphans.toString());
        boolean manifestWritten = Files.exists(orphans.get(0).resolve(CheckpointManifest.FILE_NAME));
        assertEquals(crashAt == CheckpointFaultHook.Phase.MANIFEST_SYNCED, manifestWritten);

        // Readers are not fooled, even before any cleanup.
        assertEquals(List.of(1L, 2L), store.versions());
        assertEquals(2, store.latestComplete().orElseThrow().version());
        assertEquals(2, store.latestVerified().orElseThrow().version());
        // Retention with keep=1 before the next checkpoint commits: the last complete one survives.
        assertEquals(List.of(1L), store.retain(1));
        assertEquals(List.of(2L), store.versions());

        Files.createDirectories(root.resolve(".tmp-v000004-" + "stale"));
        CheckpointStore restarted = CheckpointStore.openForWriter(root, CheckpointListener.NONE);
        assertEquals(List.of(), temporaries(), "orphans removed on the next start");
        assertEquals(2, restarted.latestVerified().orElseThrow().version());
        assertEquals(3, restarted.writeBytes(CheckpointInfo.full(3, 30), files(3)).version());
        assertEquals(List.of(2L), restarted.retain(1), "only once v3 is committed does v2 go");
        assertEquals(3, restarted.latestVerified().orElseThrow().version());
    }

    @ParameterizedTest
    @EnumSource(value = CheckpointFaultHook.Phase.class, names = {"COMMITTED"})
    void haltAfterTheRenameKeepsTheCommittedCheckpoint(CheckpointFaultHook.Phase crashAt) throws Exception {
        CheckpointStore store = new CheckpointStore(root);
        store.writeBytes(CheckpointInfo.full(1, 10), files(1));
        assertEquals(CheckpointCrashChild.HALT_STATUS, runChild(2, crashAt));
        assertEquals(List.of(), temporaries());
        assertEquals(2, store.latestVerified().orElseThrow().version(), "the rename is the commit");
        assertFalse(store.verify(2).problems().size() > 0);
    }

    /** Runs {@link CheckpointCrashChild} in a fresh JVM on this test's class path and returns its exit status. */
    private int runChild(long version, CheckpointFaultHook.Phase phase) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = root.resolveSibling(root.getFileName() + "-child.log");
        Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", cp, CheckpointCrashChild.class.getName(),
                root.toString(), Long.toString(version), phase.name())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish within 60 s");
        }
        if (p.exitValue() != CheckpointCrashChild.HALT_STATUS) {
            System.err.println(Files.readString(log));
        }
        return p.exitValue();
    }
}
