package dev.ares.core.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.ares.core.checkpoint.CheckpointProblem.Kind;

/**
 * Checks one version directory against its {@code MANIFEST.json}: the manifest parses and names the directory's
 * version, every listed file exists inside the directory as a regular file with the listed size (and, when deep,
 * the listed SHA-256), and no unlisted file is present.
 */
final class CheckpointVerifier {
    private CheckpointVerifier() {
    }

    /**
     * @param problems receives one problem per problem found (each names the path)
     * @return the checkpoint if there were no problems
     */
    static Optional<Checkpoint> tryOpen(Path dir, long version, boolean deep, List<CheckpointProblem> problems) {
        Path manifestFile = dir.resolve(CheckpointManifest.FILE_NAME);
        byte[] json;
        try {
            json = Files.readAllBytes(manifestFile);
        } catch (NoSuchFileException e) {
            problems.add(Files.isDirectory(dir)
                    ? CheckpointProblem.of(Kind.MANIFEST_MISSING, manifestFile, manifestFile + " is missing")
                    : CheckpointProblem.of(Kind.DIRECTORY_MISSING, dir, dir + " does not exist"));
            return Optional.empty();
        } catch (IOException e) {
            problems.add(CheckpointProblem.of(Kind.UNREADABLE, manifestFile, "cannot read " + manifestFile + ": " + e));
            return Optional.empty();
        }
        CheckpointManifest manifest;
        try {
            manifest = CheckpointManifest.parse(json, manifestFile.toString());
        } catch (CheckpointException e) {
            problems.add(CheckpointProblem.of(Kind.MANIFEST_INVALID, manifestFile, e.getMessage()));
            return Optional.empty();
        }
        if (manifest.version() != version) {
            problems.add(new CheckpointProblem(Kind.MANIFEST_INVALID, manifestFile, Long.toString(version),
                    Long.toString(manifest.version()), manifestFile + " declares version " + manifest.version()
                    + ", expected " + version));
            return Optional.empty();
        }
        Set<String> listed = new HashSet<>();
        for (ManifestEntry entry : manifest.files()) {
            listed.add(entry.path());
            Path file;
            try {
                file = CheckpointPaths.resolveInside(dir, entry.path());
            } catch (IllegalArgumentException e) {
                problems.add(CheckpointProblem.of(Kind.MANIFEST_INVALID, manifestFile, e.getMessage()));
                continue;
            }
            try {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!attrs.isRegularFile()) {
                    problems.add(CheckpointProblem.of(Kind.FILE_MISSING, file, file + " is not a regular file"));
                } else if (attrs.size() != entry.size()) {
                    problems.add(new CheckpointProblem(Kind.SIZE_MISMATCH, file, Long.toString(entry.size()),
                            Long.toString(attrs.size()), file + " has " + attrs.size() + " bytes, manifest says "
                            + entry.size()));
                } else if (deep) {
                    String actual = Sha256.hex(file);
                    if (!actual.equals(entry.sha256())) {
                        problems.add(new CheckpointProblem(Kind.SHA256_MISMATCH, file, entry.sha256(), actual,
                                file + " has SHA-256 " + actual + ", manifest says " + entry.sha256()));
                    }
                }
            } catch (NoSuchFileException e) {
                problems.add(CheckpointProblem.of(Kind.FILE_MISSING, file, file + " is missing"));
            } catch (IOException | UncheckedIOException e) {
                problems.add(CheckpointProblem.of(Kind.UNREADABLE, file, "cannot read " + file + ": " + e));
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> CheckpointPaths.relativeName(dir, p))
                    .filter(name -> !name.equals(CheckpointManifest.FILE_NAME) && !listed.contains(name))
                    .sorted()
                    .forEach(name -> problems.add(CheckpointProblem.of(Kind.UNLISTED_FILE, dir.resolve(name),
                            dir.resolve(name) + " is not listed in the manifest")));
        } catch (IOException | UncheckedIOException e) {
            problems.add(CheckpointProblem.of(Kind.UNREADABLE, dir, "cannot list " + dir + ": " + e));
        }
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Checkpoint(version, dir, manifest, Sha256.hex(json)));
    }

}
