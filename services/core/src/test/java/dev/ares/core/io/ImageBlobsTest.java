package dev.ares.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content-addressed image store: names from the SHA-256 test vector, confinement, tamper detection. */
class ImageBlobsTest {
    /** FIPS 180-2 example: SHA-256("abc"). */
    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path root;

    @Test
    void putStoresUnderTheHashAndReadsBack() throws Exception {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        String ref = ImageBlobs.put(root, abc);
        assertEquals("blob:sha256:" + ABC, ref);
        assertArrayEquals(abc, Files.readAllBytes(root.resolve("sha256").resolve(ABC)));
        assertEquals(ref, ImageBlobs.put(root, abc), "equal content, equal reference");
        try (var files = Files.list(root.resolve("sha256"))) {
            assertEquals(1, files.count(), "written once, no temporary file left");
        }
        assertArrayEquals(abc, ImageBlobs.read(root, ref, "Prompt.imageRefs[0]"));
    }

    @Test
    void tamperedBlobAndEscapingReferencesAreRefused() throws Exception {
        String ref = ImageBlobs.put(root, "abc".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(root.resolve("sha256").resolve(ABC), "abd");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ImageBlobs.read(root, ref, "Prompt.imageRefs[0]"));
        assertTrue(e.getMessage().contains("Prompt.imageRefs[0]") && e.getMessage().contains(ref), e.getMessage());
        assertThrows(PathRefusedException.class, () -> ImageBlobs.read(root, "file:///etc/passwd", "Prompt.imageRefs[1]"));
        assertThrows(PathRefusedException.class, () -> ImageBlobs.read(root, "blob:sha256:ABC", "Prompt.imageRefs[2]"));
    }
}
