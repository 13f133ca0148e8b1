package dev.ares.core.checkpoint;

import java.util.List;

/**
 * Result of verifying one version directory of a {@link CheckpointStore}.
 *
 * @param version  the version checked
 * @param deep     whether file contents were hashed (otherwise only presence and sizes were checked)
 * @param problems what is wrong (missing manifest, missing or extra file, size or hash mismatch); empty if complete
 */
public record Verification(long version, boolean deep, List<String> problems) {
    public Verification {
        problems = List.copyOf(problems);
    }

    /** True when the checkpoint is complete and matches its manifest. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
