package dev.ares.cli.experiment;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The outcome of one experiment run (one mode, one seed), stored as {@code runs/<mode>-s<seed>.json} so the
 * experiment resumes run by run: a run whose file exists is not repeated.
 *
 * @param mode           {@code hwe-branch}, {@code iid} or {@code grpo}
 * @param seed           the run's seed
 * @param steps          learner steps taken
 * @param trainSeconds   wall time of the training part
 * @param trainedTokens  response tokens that entered the loss over the run (after the online filter; stored as
 *                       {@code rolloutTokens} by runs made before 2026-11-26)
 * @param byBucket       held-out figures per difficulty bucket ({@code easy}, {@code medium}, {@code hard}), the buckets
 *                       fixed by the cold-start policy's pass rate so that every run is scored on the same partition
 * @param byLevel        held-out figures per curriculum level ({@code L1}..{@code L5})
 * @param training       what the run's train events said, summed or averaged over its steps ({@link TrainingSummary});
 *                       empty for runs stored before it was recorded
 */
public record RunResult(String mode, long seed, int steps, double trainSeconds,
                        @JsonAlias("rolloutTokens") long trainedTokens,
                        Map<String, Cell> byBucket, Map<String, Cell> byLevel, Map<String, Double> training) {

    /** Null-safe: a result without a training summary gets an empty one. */
    public RunResult {
        training = training == null ? Map.of() : Map.copyOf(training);
    }

    /**
     * Held-out figures of one slice.
     *
     * @param problems   problems in the slice
     * @param samples    graded responses
     * @param accuracy   fraction of correct responses
     * @param meanLength mean response length in tokens
     */
    public record Cell(int problems, int samples, double accuracy, double meanLength) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The file of a run inside the experiment's output directory. */
    public static Path file(Path outDir, String mode, long seed) {
        return outDir.resolve("runs").resolve(mode + "-s" + seed + ".json");
    }

    /** Writes this result atomically (temporary file, then rename), so a killed experiment never leaves half a file. */
    public void write(Path outDir) throws IOException {
        writeTo(file(outDir, mode, seed));
    }

    /** Writes this result atomically to {@code f} (the cold-start row is stored outside {@code runs/}). */
    void writeTo(Path f) throws IOException {
        writeJsonAtomically(f, this);
    }

    /** Any value as indented JSON, via a temporary file renamed over {@code f}; the experiment's one way to write. */
    static void writeJsonAtomically(Path f, Object value) throws IOException {
        Files.createDirectories(f.toAbsolutePath().getParent());
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), value);
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads a stored result.
     *
     * @throws IllegalArgumentException naming the file when it does not parse as a result
     */
    public static RunResult read(Path file) {
        try {
            return JSON.readValue(file.toFile(), RunResult.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a run result (" + e.getMessage() + "); delete it to rerun the run", e);
        }
    }
}
