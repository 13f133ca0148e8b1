package dev.ares.core.checkpoint;

import java.nio.file.Path;

/**
 * A complete checkpoint found in a {@link CheckpointStore}.
 *
 * @param version        its version
 * @param directory      its version directory ({@code <root>/v000012})
 * @param manifest       its parsed manifest
 * @param manifestSha256 SHA-256 (lowercase hex) of the {@code MANIFEST.json} bytes, as announced in
 *                       {@code CheckpointEvent.manifestSha256}
 */
public record Checkpoint(long version, Path directory, CheckpointManifest manifest, String manifestSha256) {

    /**
     * Path of one of the checkpoint's files.
     *
     * @param name a name listed in the manifest
     * @throws CheckpointException if the manifest does not list {@code name}
     */
    public Path file(String name) {
        for (ManifestEntry e : manifest.files()) {
            if (e.path().equals(name)) {
                return CheckpointPaths.resolveInside(directory, name);
            }
        }
        throw new CheckpointException("checkpoint v" + version + " at " + directory + " has no file '" + name + "'");
    }
}
