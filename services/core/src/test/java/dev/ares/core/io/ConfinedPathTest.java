package dev.ares.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Path confinement of references from requests, records and dataset rows (issue 10, security item 3). */
class ConfinedPathTest {
    @TempDir
    Path tmp;

    private Path root() throws IOException {
        return Files.createDirectories(tmp.resolve("root"));
    }

    @Test
    void relativeReferencesResolveInsideTheRoot() throws IOException {
        Path root = root();
        assertEquals(root.toRealPath().resolve("images/p1.png"), ConfinedPath.relative(root, "images/p1.png", "images[0]"));
        assertEquals(root.toRealPath().resolve("a/b"), ConfinedPath.relative(root, "a/./b", "f"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../secret", "a/../../secret", "..", "/etc/passwd", "~/x", "file:///etc/passwd",
        "http://evil/x.png", "a\\..\\b", "C:/x", ""})
    void relativeRefusesEscapesAndAbsolutes(String ref) throws IOException {
        Path root = root();
        PathRefusedException e = assertThrows(PathRefusedException.class, () -> ConfinedPath.relative(root, ref, "images[3]"));
        assertEquals("images[3]", e.field());
        assertTrue(e.getMessage().startsWith("images[3] '" + ref + "' is refused"), e.getMessage());
        assertTrue(e.getMessage().contains(root.toRealPath().toString()), "names the root: " + e.getMessage());
    }

    @Test
    void absoluteAcceptsFileUrisAndPathsInsideTheRoot() throws IOException {
        Path root = root();
        Path real = root.toRealPath();
        assertEquals(real.resolve("v000012"), ConfinedPath.absolute(root, real.toUri() + "v000012/", "uri"));
        assertEquals(real.resolve("v000012"), ConfinedPath.absolute(root, real + "/v000012", "uri"));
        assertEquals(real.resolve("v000012"), ConfinedPath.absolute(root, "file://localhost" + real + "/v000012", "uri"));
    }

    @Test
    void absoluteRefusesOutsideDotDotOtherSchemesAndRelative() throws IOException {
        Path root = root();
        Path real = root.toRealPath();
        String[] refused = {
            "file:///etc/passwd",
            real.toUri() + "../outside",
            real.toUri() + "%2e%2e/outside",
            real + "/../outside",
            tmp.toRealPath() + "/rootx/v000001",          // a sibling that shares the root's name as a prefix
            "http://host" + real + "/v000001",
            "file://evil.example" + real + "/v000001",
            "v000001",
            real.toUri() + "v1?x=1",
        };
        for (String ref : refused) {
            PathRefusedException e = assertThrows(PathRefusedException.class,
                    () -> ConfinedPath.absolute(root, ref, "CheckpointEvent.uri"), ref);
            assertTrue(e.getMessage().contains("CheckpointEvent.uri '" + ref + "'"), e.getMessage());
        }
    }

    @Test
    void symbolicLinkOutOfTheRootIsRefused() throws IOException {
        Path root = root();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "s");
        Files.createSymbolicLink(root.resolve("link"), outside);
        PathRefusedException rel = assertThrows(PathRefusedException.class,
                () -> ConfinedPath.relative(root, "link/secret.txt", "images[0]"));
        assertTrue(rel.getMessage().contains("symbolic link"), rel.getMessage());
        assertThrows(PathRefusedException.class,
                () -> ConfinedPath.absolute(root, root.toRealPath() + "/link/secret.txt", "uri"));
        // A link that stays inside is fine.
        Files.createDirectories(root.resolve("data"));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("data"));
        assertEquals(root.toRealPath().resolve("alias/x"), ConfinedPath.relative(root, "alias/x", "f"));
    }

    @Test
    void aRootConfiguredThroughALinkAcceptsBothSpellings() throws IOException {
        Path real = root();
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), real);
        assertEquals(alias.resolve("v000003"), ConfinedPath.absolute(alias, alias + "/v000003", "uri"));
        assertEquals(real.toRealPath().resolve("v000003"), ConfinedPath.absolute(alias, real.toRealPath() + "/v000003", "uri"));
        assertThrows(PathRefusedException.class, () -> ConfinedPath.absolute(alias, tmp + "/other/v000003", "uri"));
    }

    @Test
    void imageRefsResolveBlobsAndConfineFiles() throws IOException {
        Path root = root();
        String hex = "ab".repeat(32);
        assertEquals(root.toRealPath().resolve("sha256/" + hex), ImageRefs.resolve(root, "blob:sha256:" + hex, "Prompt.imageRefs[0]"));
        assertEquals(root.toRealPath().resolve("x.png"), ImageRefs.resolve(root, root.toRealPath().toUri() + "x.png", "r"));
        for (String bad : new String[] {"blob:sha256:" + hex.toUpperCase(), "blob:sha256:../../etc", "blob:md5:" + hex,
            "https://example.com/cat.png", "file:///etc/passwd"}) {
            assertThrows(PathRefusedException.class, () -> ImageRefs.resolve(root, bad, "Prompt.imageRefs[1]"), bad);
        }
    }
}
