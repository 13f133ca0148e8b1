package dev.ares.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.CheckpointKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention and concurrent readers of a {@link CheckpointStore}. */
class CheckpointRetentionTest {
    @TempDir
    Path root;

    @Test
    void retainKeepsTheNewestCompleteVersions() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        for (long v = 1; v <= 6; v++) {
            store.writeBytes(CheckpointInfo.full(v, v * 10), CheckpointStoreTest.files(v));
        }
        Files.createDirectories(root.resolve(".tmp-v000007-crashed"));
        assertEquals(List.of(1L, 2L, 3L, 4L), store.retain(2));
        assertEquals(List.of(5L, 6L), store.versions());
        assertFalse(Files.exists(root.resolve(".tmp-v000007-crashed")));
        assertEquals(6, store.latestComplete(true).orElseThrow().version());
        assertEquals(List.of(), store.retain(2));
        assertThrows(IllegalArgumentException.class, () -> store.retain(0));
    }

    @Test
    void retainKeepsTheBaseOfAKeptLoraAdapter() {
        CheckpointStore store = new CheckpointStore(root);
        store.writeBytes(CheckpointInfo.full(1, 10), CheckpointStoreTest.files(1));
        store.writeBytes(CheckpointInfo.full(2, 20), CheckpointStoreTest.files(2));
        store.writeBytes(CheckpointInfo.full(3, 30), CheckpointStoreTest.files(3));
        store.writeBytes(new CheckpointInfo(4, 40, CheckpointKind.LORA, 2L, Map.of("rank", "8")),
                Map.of("adapter_model.safetensors", new byte[] {1, 2}));
        assertEquals(List.of(1L, 3L), store.retain(1));
        assertEquals(List.of(2L, 4L), store.versions());
    }

    @Test
    void retainNeverDeletesTheNewestCompleteVersion() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        store.writeBytes(CheckpointInfo.full(1, 10), CheckpointStoreTest.files(1));
        store.writeBytes(CheckpointInfo.full(2, 20), CheckpointStoreTest.files(2));
        // Newer directories that are not complete: one without manifest, one with a truncated file.
        Files.createDirectories(root.resolve("v000003"));
        Checkpoint four = store.writeBytes(CheckpointInfo.full(4, 40), CheckpointStoreTest.files(4));
        Files.write(four.file("model.safetensors"), new byte[] {0});
        // An old incomplete directory is garbage.
        Files.createDirectories(root.resolve("v000000"));

        assertEquals(List.of(0L, 1L), store.retain(1));
        assertEquals(List.of(2L, 3L, 4L), store.versions());
        assertEquals(2, store.latestComplete().orElseThrow().version());
    }

    @Test
    void concurrentReadersOnlyEverSeeCompleteCheckpoints() throws Exception {
        CheckpointStore store = new CheckpointStore(root);
        store.writeBytes(CheckpointInfo.full(1, 1), CheckpointStoreTest.files(1));
        int readers = 3;
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
        CountDownLatch started = new CountDownLatch(readers);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int r = 0; r < readers; r++) {
                futures.add(pool.submit(() -> {
                    // Each reader uses its own store instance, as another process would.
                    CheckpointStore reader = new CheckpointStore(root);
                    started.countDown();
                    long lastSeen = 0;
                    while (!done.get()) {
                        Optional<Checkpoint> c = reader.latestComplete();
                        if (c.isEmpty()) {
                            continue; // every listed version was retired between listing and opening
                        }
                        Checkpoint cp = c.get();
                        try {
                            for (Map.Entry<String, byte[]> e : CheckpointStoreTest.files(cp.version()).entrySet()) {
                                byte[] actual = Files.readAllBytes(cp.file(e.getKey()));
                                if (!java.util.Arrays.equals(e.getValue(), actual)) {
                                    failures.add("v" + cp.version() + " " + e.getKey() + " has wrong content");
                                }
                            }
                            if (cp.version() < lastSeen - 2) {
                                failures.add("went back from v" + lastSeen + " to v" + cp.version());
                            }
                            lastSeen = Math.max(lastSeen, cp.version());
                            reads.incrementAndGet();
                        } catch (NoSuchFileException retired) {
                            // Retention removed it after we found it: allowed, readers must then re-resolve.
                        }
                    }
                    return null;
                }));
            }
            started.await();
            for (long v = 2; v <= 40; v++) {
                store.writeBytes(CheckpointInfo.full(v, v), CheckpointStoreTest.files(v));
                store.retain(3);
            }
        } finally {
            done.set(true);
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(reads.get() > 0, "readers never saw a checkpoint");
        assertEquals(List.of(38L, 39L, 40L), store.versions());
        Checkpoint last = store.latestComplete(true).orElseThrow();
        assertArrayEquals(CheckpointStoreTest.files(40).get("model.safetensors"),
                Files.readAllBytes(last.file("model.safetensors")));
    }
}
