package dev.ares.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Locates the shared reference fixtures ({@code <repo root>/../shared/fixtures/hf-reference}). */
public final class Fixtures {
    private Fixtures() {
    }

    /** The hf-reference fixture folder. */
    public static Path root() {
        String repo = System.getProperty("ares.repo.root");
        Path base = repo != null ? Path.of(repo) : Path.of("").toAbsolutePath().getParent().getParent();
        Path p = base.resolve("../shared/fixtures/hf-reference").normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("fixtures not found at " + p + " (ares.repo.root=" + repo + ")");
        }
        return p;
    }

    /** One fixture folder, e.g. {@code qwen2-tiny}. */
    public static Path dir(String name) {
        return root().resolve(name);
    }

    /** Copies a fixture folder into {@code target} (writable copies of the read-only files). */
    public static Path copy(String name, Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(dir(name))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path dst = target.resolve(f.getFileName().toString());
                    Files.copy(f, dst, StandardCopyOption.REPLACE_EXISTING);
                    dst.toFile().setWritable(true);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
