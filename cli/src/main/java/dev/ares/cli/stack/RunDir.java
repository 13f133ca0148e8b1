package dev.ares.cli.stack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locations of a local run: the repository root (system property {@code ares.repo.root}, set by the
 * {@code ./ares} script, else the working directory) and the run directory {@code .run/} under it that
 * holds pid files, logs, the broker's data and checkpoints of {@code ./ares up}.
 */
public record RunDir(Path repoRoot, Path root) {

    /** The run directory of the repository the CLI was started from. */
    public static RunDir current() {
        Path repo = Path.of(System.getProperty("ares.repo.root", System.getProperty("user.dir"))).toAbsolutePath().normalize();
        return new RunDir(repo, repo.resolve(".run"));
    }

    public Path pids() { return root.resolve("pids"); }

    public Path logs() { return root.resolve("logs"); }

    public Path kafkaData() { return root.resolve("kafka"); }

    public Path checkpoints() { return root.resolve("checkpoints"); }

    public Path blobs() { return root.resolve("blobs"); }

    /** Creates the directories of the run. */
    public RunDir create() {
        try {
            for (Path p : new Path[] {pids(), logs(), checkpoints(), blobs()}) {
                Files.createDirectories(p);
            }
            return this;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create run directory " + root + ": " + e.getMessage(), e);
        }
    }
}
