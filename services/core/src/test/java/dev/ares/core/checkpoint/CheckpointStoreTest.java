package dev.ares.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.CheckpointKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing, resolving and verifying checkpoints, including crash leftovers and corruption (issue 2 item 4). */
class CheckpointStoreTest {
    /** FIPS 180-2 test vector: SHA-256("abc"). */
    private static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    /** SHA-256 of the empty string. */
    private static final String SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path root;

    static Map<String, byte[]> files(long version) {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("model.safetensors", ("weights of v" + version).repeat(50).getBytes(StandardCharsets.UTF_8));
        files.put("optimizer/state.bin", ("adam v" + version).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    @Test
    void writesFilesAndAManifestWithTheirHashes() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        Map<String, byte[]> files = Map.of("abc.txt", "abc".getBytes(StandardCharsets.US_ASCII),
                "sub/dir/empty.bin", new byte[0]);
        CheckpointInfo info = new CheckpointInfo(12, 1200, CheckpointKind.FULL, null, Map.of("model", "qwen2-tiny"));
        Checkpoint written = store.writeBytes(info, files);

        assertEquals(root.toRealPath().resolve("v000012"), written.directory());
        assertTrue(Files.isRegularFile(written.directory().resolve("MANIFEST.json")));
        CheckpointManifest m = written.manifest();
        assertEquals(List.of(new ManifestEntry("abc.txt", 3, SHA256_ABC),
                new ManifestEntry("sub/dir/empty.bin", 0, SHA256_EMPTY)), m.files());
        assertEquals(12, m.version());
        assertEquals(1200, m.step());
        assertEquals(Map.of("model", "qwen2-tiny"), m.metadata());
        assertEquals(Sha256.hex(Files.readAllBytes(written.directory().resolve("MANIFEST.json"))),
                written.manifestSha256());
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(written.file("abc.txt")));

        Checkpoint latest = store.latestComplete(true).orElseThrow();
        assertEquals(12, latest.version());
        assertEquals(written.manifestSha256(), latest.manifestSha256());
        assertEquals(m, latest.manifest());
        assertTrue(store.verify(12).ok());
        // Nothing but the version directory and the lock file is left in the root.
        try (var list = Files.list(root)) {
            assertEquals(List.of(".lock", "v000012"), list.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void versionsMustIncrease() {
        CheckpointStore store = new CheckpointStore(root);
        store.writeBytes(CheckpointInfo.full(5, 50), files(5));
        CheckpointException same = assertThrows(CheckpointException.class,
                () -> store.writeBytes(CheckpointInfo.full(5, 51), files(5)));
        assertTrue(same.getMessage().contains("already exists"), same.getMessage());
        CheckpointException older = assertThrows(CheckpointException.class,
                () -> store.writeBytes(CheckpointInfo.full(4, 40), files(4)));
        assertTrue(older.getMessage().contains("not above the latest complete version 5"), older.getMessage());
        store.writeBytes(CheckpointInfo.full(6, 60), files(6));
        assertEquals(List.of(5L, 6L), store.versions());
    }

    @Test
    void crashLeftoversAreIgnoredAndTheRightVersionIsPicked() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        store.writeBytes(CheckpointInfo.full(1, 10), files(1));
        store.writeBytes(CheckpointInfo.full(2, 20), files(2));

        // A crash during a write: temporary directory with files but no manifest, never renamed.
        Path temp = root.resolve(".tmp-v000003-crashed");
        Files.createDirectories(temp);
        Files.write(temp.resolve("model.safetensors"), new byte[] {1, 2, 3});
        // A version directory without a manifest (e.g. copied by hand, or partially restored).
        Path noManifest = root.resolve("v000004");
        Files.createDirectories(noManifest);
        Files.write(noManifest.resolve("model.safetensors"), new byte[] {4});
        // Not version directories at all.
        Files.createDirectories(root.resolve("v12"));
        Files.createDirectories(root.resolve("v0000002"));

        assertEquals(List.of(1L, 2L, 4L), store.versions());
        assertEquals(2, store.latestComplete().orElseThrow().version());
        Verification v4 = store.verify(4);
        assertFalse(v4.ok());
        assertTrue(v4.problems().get(0).endsWith("MANIFEST.json is missing"), v4.problems().toString());

        assertEquals(1, store.cleanIncomplete());
        assertFalse(Files.exists(temp));
        assertTrue(Files.exists(noManifest), "cleanIncomplete only removes temporary directories");
    }

    @Test
    void aCorruptedFileIsCaughtByDeepVerification() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        store.writeBytes(CheckpointInfo.full(1, 10), files(1));
        Checkpoint two = store.writeBytes(CheckpointInfo.full(2, 20), files(2));
        Path weights = two.file("model.safetensors");
        byte[] content = Files.readAllBytes(weights);
        content[7] ^= 0x20; // same size, different content
        Files.write(weights, content);

        assertEquals(2, store.latestComplete(false).orElseThrow().version(), "sizes still match");
        assertEquals(1, store.latestComplete(true).orElseThrow().version(), "hash mismatch");
        Verification v = store.verify(2);
        assertEquals(1, v.problems().size(), v.problems().toString());
        assertTrue(v.problems().get(0).contains("model.safetensors has SHA-256"), v.problems().toString());
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(2, true));
        assertTrue(e.getMessage().contains("is not complete"), e.getMessage());
    }

    @Test
    void truncatedMissingAndExtraFilesFailShallowVerification() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        Checkpoint c = store.writeBytes(CheckpointInfo.full(1, 10), files(1));
        Files.write(c.file("model.safetensors"), new byte[] {1});
        assertTrue(store.verify(1, false).problems().get(0).contains("has 1 bytes, manifest says"));
        Files.delete(c.file("model.safetensors"));
        assertTrue(store.verify(1, false).problems().get(0).contains("model.safetensors is missing"));

        Checkpoint d = store.writeBytes(CheckpointInfo.full(2, 10), files(2));
        Files.write(d.directory().resolve("intruder.bin"), new byte[] {9});
        List<String> problems = store.verify(2, false).problems();
        assertTrue(problems.get(0).contains("intruder.bin is not listed"), problems.toString());
        assertTrue(store.latestComplete().isEmpty());
    }

    @Test
    void aCorruptManifestMakesTheVersionIncomplete() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        store.writeBytes(CheckpointInfo.full(1, 10), files(1));
        Checkpoint two = store.writeBytes(CheckpointInfo.full(2, 20), files(2));
        Path manifest = two.directory().resolve(CheckpointManifest.FILE_NAME);
        String json = Files.readString(manifest);
        Files.writeString(manifest, json.substring(0, json.length() / 2));
        assertEquals(1, store.latestComplete().orElseThrow().version());
        assertTrue(store.verify(2).problems().get(0).contains("is not a valid manifest"));

        // A manifest that tries to point outside the directory is refused when parsed.
        Files.writeString(manifest, json.replace("\"optimizer/state.bin\"", "\"../v000001/optimizer/state.bin\""));
        assertTrue(store.verify(2).problems().get(0).contains("has an empty, '.' or '..' segment"),
                store.verify(2).problems().toString());
        // A manifest copied from another version does not count for this one.
        Files.copy(store.versionDir(1).resolve(CheckpointManifest.FILE_NAME), manifest,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(store.verify(2).problems().get(0).contains("declares version 1, expected 2"));
    }

    @Test
    void aFailingWriterLeavesNothingBehind() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.write(CheckpointInfo.full(3, 3),
                dir -> {
                    Files.write(dir.resolve("half.bin"), new byte[100]);
                    throw new IOException("disk full");
                }));
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        try (var list = Files.list(root)) {
            assertEquals(List.of(".lock"), list.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(store.latestComplete().isEmpty());
    }

    @Test
    void fileNamesCannotEscapeTheVersionDirectory() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        for (String bad : List.of("../evil", "/etc/passwd", "a/../../b", "a//b", "./a", "MANIFEST.json", "",
                "c:\\x", ".tmp-x")) {
            assertThrows(IllegalArgumentException.class, () -> store.writeBytes(CheckpointInfo.full(1, 1),
                    Map.of(bad, new byte[1])), bad);
        }
        Path outside = Files.createTempFile("outside", ".bin");
        try {
            CheckpointException link = assertThrows(CheckpointException.class,
                    () -> store.write(CheckpointInfo.full(1, 1), dir -> Files.createSymbolicLink(dir.resolve("w"),
                            outside)));
            assertTrue(link.getMessage().contains("'w' is not a regular file"), link.getMessage());
            CheckpointException manifest = assertThrows(CheckpointException.class,
                    () -> store.write(CheckpointInfo.full(1, 1), dir -> Files.write(dir.resolve("MANIFEST.json"),
                            new byte[1])));
            assertTrue(manifest.getMessage().contains("reserved for the manifest"), manifest.getMessage());
        } finally {
            Files.delete(outside);
        }
        assertTrue(store.versions().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> store.versionDir(-1));
    }

    @Test
    void openingAnAnnouncedCheckpointChecksTheManifestHash() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        Checkpoint c = store.writeBytes(CheckpointInfo.full(3, 30), files(3));
        String announced = Sha256.hex(Files.readAllBytes(c.directory().resolve(CheckpointManifest.FILE_NAME)));
        assertEquals(3, store.open(3, announced).version());
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.open(3, "0".repeat(64)));
        assertTrue(e.getMessage().contains("was announced"), e.getMessage());
        assertThrows(CheckpointException.class, () -> store.open(4, announced));
    }

    @Test
    void copiesExistingFiles() throws IOException {
        Path source = Files.createTempFile("weights", ".bin");
        try {
            Files.write(source, "abc".getBytes(StandardCharsets.US_ASCII));
            CheckpointStore store = new CheckpointStore(root);
            Checkpoint c = store.copyFiles(CheckpointInfo.full(1, 1), Map.of("model.safetensors", source));
            assertEquals(SHA256_ABC, c.manifest().files().get(0).sha256());
        } finally {
            Files.delete(source);
        }
    }
}
