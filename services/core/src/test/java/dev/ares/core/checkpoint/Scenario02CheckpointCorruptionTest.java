package dev.ares.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * reliability.md scenario 2 (tier U): a checkpoint shard truncated by one byte, a byte flipped in another shard,
 * the manifest deleted. The loader raises {@link CorruptCheckpointException} naming the file and, for the flip,
 * the SHA-256 mismatch; {@code latest} resolves to the previous complete checkpoint; each refusal is counted once
 * by the listener a service binds to {@code ares.checkpoint.rejected}. Expected hashes are computed here with the
 * JDK's own SHA-256, independently of the store.
 */
class Scenario02CheckpointCorruptionTest {
    @TempDir
    Path root;

    private final List<CorruptCheckpointException> rejected = new ArrayList<>();
    private final CheckpointListener counting = new CheckpointListener() {
        @Override
        public void rejected(CorruptCheckpointException e) {
            rejected.add(e);
        }
    };

    /** Two seeded shards and a small config, as a model checkpoint would hold. */
    private static Map<String, byte[]> shards(long version) {
        SplittableRandom rnd = new SplittableRandom(1000 + version);
        Map<String, byte[]> files = new TreeMap<>();
        for (String name : List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
            byte[] b = new byte[4096 + rnd.nextInt(512)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) rnd.nextInt(256);
            }
            files.put(name, b);
        }
        files.put("config.json", ("{\"version\":" + version + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return files;
    }

    private CheckpointStore storeWithVersions(long... versions) {
        CheckpointStore store = new CheckpointStore(root, counting, CheckpointFaultHook.NONE);
        for (long v : versions) {
            store.writeBytes(CheckpointInfo.full(v, v * 10), shards(v));
        }
        return store;
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void truncatedShardIsRefusedAndLatestFallsBack() throws IOException {
        CheckpointStore store = storeWithVersions(1, 2, 3);
        Path shard = store.versionDir(3).resolve("model-00001-of-00002.safetensors");
        long size = Files.size(shard);
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(size - 1);
        }

        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> store.open(3, true));
        assertEquals(CheckpointProblem.Kind.SIZE_MISMATCH, e.kind());
        assertEquals(shard, e.file());
        assertEquals(Long.toString(size), e.problems().get(0).expected());
        assertEquals(Long.toString(size - 1), e.problems().get(0).actual());
        assertTrue(e.getMessage().contains(shard.toString()), e.getMessage());
        assertEquals(1, rejected.size());

        // A size check is enough to see a truncation: both the cheap and the deep resolution skip v3.
        assertEquals(2, store.latestComplete().orElseThrow().version());
        assertEquals(2, store.latestVerified().orElseThrow().version());
        assertEquals(2, rejected.size(), "latestVerified reports the refused v3 once");
        assertEquals(3, rejected.get(1).version());
    }

    @Test
    void flippedByteIsASha256MismatchNamingBothHashes() throws Exception {
        CheckpointStore store = storeWithVersions(1, 2, 3);
        String name = "model-00002-of-00002.safetensors";
        byte[] original = shards(3).get(name);
        Path shard = store.versionDir(3).resolve(name);
        byte[] flipped = Files.readAllBytes(shard);
        flipped[1234] ^= 0x10;
        Files.write(shard, flipped);

        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> store.open(3, true));
        assertEquals(CheckpointProblem.Kind.SHA256_MISMATCH, e.kind());
        assertEquals(shard, e.file());
        assertEquals(sha256(original), e.problems().get(0).expected());
        assertEquals(sha256(flipped), e.problems().get(0).actual());
        assertTrue(e.getMessage().contains(sha256(original)) && e.getMessage().contains(sha256(flipped)), e.getMessage());
        assertEquals(List.of(e), rejected);

        // Same size: only deep verification sees it; the loader's resolution is the deep one.
        assertEquals(3, store.latestComplete().orElseThrow().version());
        assertEquals(2, store.latestVerified().orElseThrow().version());
        assertEquals(2, rejected.size());
    }

    @Test
    void deletedManifestMakesTheVersionIncompleteEverywhere() throws IOException {
        CheckpointStore store = storeWithVersions(4, 5);
        Path manifest = store.versionDir(5).resolve(CheckpointManifest.FILE_NAME);
        Files.delete(manifest);

        assertEquals(4, store.latestComplete().orElseThrow().version());
        assertEquals(4, store.latestVerified().orElseThrow().version());
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> store.open(5, false));
        assertEquals(CheckpointProblem.Kind.MANIFEST_MISSING, e.kind());
        assertEquals(manifest, e.file());
        assertEquals(2, rejected.size(), "one from latestVerified, one from open");
    }

    @Test
    void announcedManifestHashMustMatch() throws Exception {
        CheckpointStore store = storeWithVersions(7);
        Path manifest = store.versionDir(7).resolve(CheckpointManifest.FILE_NAME);
        String actual = sha256(Files.readAllBytes(manifest));
        assertEquals(7, store.open(7, actual).version());
        String announced = "0".repeat(64);
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> store.open(7, announced));
        assertEquals(CheckpointProblem.Kind.MANIFEST_MISMATCH, e.kind());
        assertEquals(manifest, e.file());
        assertEquals(announced, e.problems().get(0).expected());
        assertEquals(actual, e.problems().get(0).actual());
        assertEquals(1, rejected.size());
    }

    @Test
    void processWideListenersCountRejectionsOfEveryStore() throws Exception {
        List<Long> seen = new ArrayList<>();
        try (AutoCloseable handle = CheckpointListener.register(new CheckpointListener() {
            @Override
            public void rejected(CorruptCheckpointException e) {
                seen.add(e.version());
            }
        })) {
            CheckpointStore store = storeWithVersions(1, 2);
            Files.delete(store.versionDir(2).resolve("config.json"));
            // A second store object on the same root (as the serving path opens per event) is seen too.
            CheckpointStore other = new CheckpointStore(root);
            assertThrows(CorruptCheckpointException.class, () -> other.open(2, true));
            assertEquals(1, other.latestVerified().orElseThrow().version());
            assertEquals(List.of(2L, 2L), seen);
        }
        CheckpointStore after = new CheckpointStore(root);
        assertThrows(CorruptCheckpointException.class, () -> after.open(2, true));
        assertEquals(2, seen.size(), "unregistered listeners are not told");
    }

    @Test
    void missingVersionIsNotARejection() {
        CheckpointStore store = storeWithVersions(1);
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(9, true));
        assertTrue(!(e instanceof CorruptCheckpointException) && e.getMessage().contains("v000009"), e.getMessage());
        assertEquals(0, rejected.size());
    }
}
