package dev.ares.core.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A checkpoint was refused because its directory does not match its manifest (reliability.md scenario 2): a file
 * truncated, a bit flipped (SHA-256 mismatch), a file missing or unlisted, the manifest missing or invalid, or the
 * manifest not the one announced. The message names the version, the first offending file and, for a hash
 * mismatch, the expected and actual SHA-256; {@link #problems()} lists every problem found. Nothing of such a
 * checkpoint is loaded.
 */
public final class CorruptCheckpointException extends CheckpointException {
    private static final long serialVersionUID = 1L;

    private final long version;
    private final transient Path directory;
    private final transient List<CheckpointProblem> problems;

    /**
     * @param version   the version refused
     * @param directory its directory
     * @param problems  what is wrong, at least one
     */
    public CorruptCheckpointException(long version, Path directory, List<CheckpointProblem> problems) {
        super(message(version, directory, problems));
        this.version = version;
        this.directory = directory;
        this.problems = List.copyOf(problems);
    }

    private static String message(long version, Path directory, List<CheckpointProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a corrupt checkpoint has at least one problem");
        }
        return "checkpoint v" + version + " at " + directory + " is not complete (refused as corrupt): "
                + problems.stream().map(CheckpointProblem::message).collect(Collectors.joining("; "));
    }

    /** The version refused. */
    public long version() {
        return version;
    }

    /** Its directory. */
    public Path directory() {
        return directory;
    }

    /** Every problem found, in the order found (manifest first, then files in manifest order). */
    public List<CheckpointProblem> problems() {
        return problems;
    }

    /** The first offending file. */
    public Path file() {
        return problems.get(0).file();
    }

    /** The first problem's kind. */
    public CheckpointProblem.Kind kind() {
        return problems.get(0).kind();
    }
}
