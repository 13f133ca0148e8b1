package dev.ares.cli.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ares.core.checkpoint.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything that makes stored experiment runs comparable with a new invocation: the cold start's weights (by
 * SHA-256) and every option that changes what a run trains on or how it is scored. Stored as {@code setup.json} both
 * beside the results and in the learner work folder; {@link #requireSame} refuses to resume or reuse runs made under
 * another setup (a rerun with another cold start would otherwise resume the old policy's checkpoints and mix two
 * experiments in one table). Modes and seeds are not part of it: adding a seed or a mode extends the experiment.
 *
 * @param coldStartSha256 SHA-256 of the cold start's {@code model.safetensors}
 * @param families        trained and evaluated families
 * @param steps           learner steps per run
 * @param groups          groups per step
 * @param n               trajectories per group
 * @param maxNewTokens    response budget
 * @param lr              learner peak learning rate
 * @param branchBudget    hwe-branch branch points per group
 * @param evalPerLevel    held-out problems per family and level
 * @param evalK           samples per held-out problem
 */
public record ExperimentSetup(String coldStartSha256, List<String> families, int steps, int groups, int n,
                              int maxNewTokens, double lr, int branchBudget, int evalPerLevel, int evalK) {

    /** File name, in the results folder and in the work folder. */
    public static final String FILE = "setup.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Fingerprint of the cold start folder's weights. */
    public static String coldStartSha(Path coldStart) {
        Path w = coldStart.resolve("model.safetensors");
        if (!Files.isRegularFile(w)) {
            throw new IllegalArgumentException("cold start " + coldStart + " has no model.safetensors");
        }
        return Sha256.hex(w);
    }

    /** The setup stored in {@code dir}, if any. */
    static Optional<ExperimentSetup> read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), ExperimentSetup.class));
        } catch (IOException e) {
            throw new IOException(f + " is not a readable experiment setup (" + e.getMessage()
                    + "); delete it together with the runs beside it, or use another --out", e);
        }
    }

    /**
     * Checks {@code dir} against this setup and records it there when the folder has none yet.
     *
     * @param dir      results or work folder
     * @param hasState whether {@code dir} already holds runs, buckets or checkpoints (without a setup file they come
     *                 from an older version of the command and cannot be trusted)
     * @throws IllegalStateException naming the differing fields and what to do, when the folder belongs to another setup
     */
    void requireSame(Path dir, boolean hasState) throws IOException {
        Optional<ExperimentSetup> stored = read(dir);
        if (stored.isEmpty()) {
            if (hasState) {
                throw new IllegalStateException(dir + " holds runs without a " + FILE + " (made before setups were"
                        + " recorded); move it away or use another --out");
            }
            RunResult.writeJsonAtomically(dir.resolve(FILE), this);
            return;
        }
        if (!stored.get().equals(this)) {
            throw new IllegalStateException(dir + " belongs to another experiment setup: stored " + stored.get()
                    + ", requested " + this + ". Use another --out, or delete " + dir + " to start over");
        }
    }
}
