package dev.ares.core.checkpoint;

import java.nio.file.Path;

/**
 * One thing wrong with a version directory, found by verification against its {@code MANIFEST.json}.
 *
 * @param kind     what is wrong
 * @param file     the file concerned (the manifest itself for {@link Kind#MANIFEST_MISSING},
 *                 {@link Kind#MANIFEST_INVALID} and {@link Kind#MANIFEST_MISMATCH}; the directory for
 *                 {@link Kind#DIRECTORY_MISSING})
 * @param expected the expected value when there is one (size in bytes, SHA-256 hex), else {@code null}
 * @param actual   the value found, else {@code null}
 * @param message  a sentence naming the file and, for a mismatch, both values
 */
public record CheckpointProblem(Kind kind, Path file, String expected, String actual, String message) {
    /** Kinds of problems. */
    public enum Kind {
        /** The version directory does not exist. */
        DIRECTORY_MISSING,
        /** The version directory has no {@code MANIFEST.json}: the write never committed, or it was deleted. */
        MANIFEST_MISSING,
        /** The manifest cannot be read or parsed, or names another version. */
        MANIFEST_INVALID,
        /** The manifest's SHA-256 differs from the one a {@code CheckpointEvent} announced. */
        MANIFEST_MISMATCH,
        /** A listed file is missing or not a regular file. */
        FILE_MISSING,
        /** A listed file has another size than the manifest says (e.g. truncated). */
        SIZE_MISMATCH,
        /** A listed file has another SHA-256 than the manifest says (e.g. a flipped bit). */
        SHA256_MISMATCH,
        /** A file is present that the manifest does not list. */
        UNLISTED_FILE,
        /** An I/O error while checking. */
        UNREADABLE
    }

    static CheckpointProblem of(Kind kind, Path file, String message) {
        return new CheckpointProblem(kind, file, null, null, message);
    }
}
