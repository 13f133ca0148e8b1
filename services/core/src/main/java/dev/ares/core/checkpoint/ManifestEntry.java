package dev.ares.core.checkpoint;

import java.util.regex.Pattern;

/**
 * One file of a checkpoint as listed in {@code MANIFEST.json}.
 *
 * @param path   path relative to the version directory, '/'-separated, confined to it (see {@link CheckpointPaths})
 * @param size   size in bytes, {@code >= 0}
 * @param sha256 SHA-256 of the file's content, 64 lowercase hex digits
 */
public record ManifestEntry(String path, long size, String sha256) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public ManifestEntry {
        CheckpointPaths.checkRelative(path);
        if (size < 0) {
            throw new IllegalArgumentException("ManifestEntry[" + path + "].size must be >= 0, got " + size);
        }
        if (sha256 == null || !HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException("ManifestEntry[" + path + "].sha256 must be 64 lowercase hex digits, got "
                    + sha256);
        }
    }
}
