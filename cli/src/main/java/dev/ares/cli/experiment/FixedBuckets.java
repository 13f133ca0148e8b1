package dev.ares.cli.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ares.cli.eval.EvalReport;
import dev.ares.cli.eval.ProblemResult;
import dev.ares.cli.eval.Aggregate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The difficulty partition every experiment run is scored on: each held-out problem's bucket by the pass rate of
 * the shared cold-start policy (aepo-spec buckets: easy ≥ 2/3, medium ≥ 1/3, else hard). Fixing the partition
 * before training keeps the comparison fair: with a bucket measured by each final model, a better model would move
 * problems into "easy" and change what the buckets contain. Stored as {@code buckets.json} (problem id → bucket).
 */
final class FixedBuckets {
    static final String FILE = "buckets.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, String> bucketOf;

    FixedBuckets(Map<String, String> bucketOf) {
        this.bucketOf = Map.copyOf(bucketOf);
    }

    /** The partition measured by the cold-start evaluation {@code report}. */
    static FixedBuckets of(EvalReport report) {
        Map<String, String> m = new TreeMap<>();
        for (ProblemResult p : report.problems()) {
            m.put(p.id(), p.bucket().name().toLowerCase(Locale.ROOT));
        }
        return new FixedBuckets(m);
    }

    static FixedBuckets read(Path file) throws IOException {
        return new FixedBuckets(JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() { }));
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        JSON.writeValue(file.toFile(), new TreeMap<>(bucketOf));
    }

    /** How many problems each bucket holds. */
    Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        ExperimentReport.BUCKETS.forEach(b -> m.put(b, 0));
        bucketOf.values().forEach(b -> m.merge(b, 1, Integer::sum));
        return m;
    }

    /**
     * Held-out figures of a final model per fixed bucket.
     *
     * @throws IllegalArgumentException when the report holds a problem the partition does not know (another draw)
     */
    Map<String, RunResult.Cell> byBucket(EvalReport report) {
        Map<String, List<ProblemResult>> groups = new LinkedHashMap<>();
        ExperimentReport.BUCKETS.forEach(b -> groups.put(b, new ArrayList<>()));
        for (ProblemResult p : report.problems()) {
            String b = bucketOf.get(p.id());
            if (b == null) {
                throw new IllegalArgumentException("problem " + p.id() + " is not in the fixed partition (" + FILE
                        + " was made from another problem draw)");
            }
            groups.get(b).add(p);
        }
        Map<String, RunResult.Cell> out = new LinkedHashMap<>();
        groups.forEach((b, ps) -> out.put(b, cell(ps)));
        return out;
    }

    /** Problems, samples, accuracy and mean length of a slice (NaN figures when it is empty). */
    static RunResult.Cell cell(List<ProblemResult> problems) {
        Aggregate a = Aggregate.of(problems);
        return new RunResult.Cell(a.problems(), a.samples(), a.samples() == 0 ? Double.NaN : a.accuracy(),
                a.samples() == 0 ? Double.NaN : a.meanTokens());
    }
}
