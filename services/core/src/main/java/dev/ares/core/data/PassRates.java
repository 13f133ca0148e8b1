package dev.ares.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.tasks.Problem;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Pass-rate sources for AdaCS: measured pass rates read from a JSONL file written by the model runtime
 * ({@code {"id": "...", "correct": c, "samples": k}} per line), or the curriculum's difficulty prior.
 */
public final class PassRates {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PassRates() {
    }

    /** Pass rate from each problem's difficulty prior, as {@code round(prior·k)} of k (aepo-spec.md §9, no model yet). */
    public static Function<Problem, PassRate> fromPriors(int k) {
        return p -> PassRate.fromPrior(p.difficultyPrior(), k);
    }

    /**
     * Reads measured pass rates.
     *
     * @throws DatasetFormatException naming the line and field of a bad line or a repeated id
     */
    public static Map<String, PassRate> readJsonl(Path file) throws IOException {
        Map<String, PassRate> out = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long row = 0;
            while ((line = r.readLine()) != null) {
                row++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new DatasetFormatException(file, row, null, "not JSON: " + e.getOriginalMessage(), e);
                }
                String id = text(n, "id", file, row);
                int correct = integer(n, "correct", file, row);
                int samples = integer(n, "samples", file, row);
                PassRate pr;
                try {
                    pr = PassRate.sampled(correct, samples);
                } catch (IllegalArgumentException e) {
                    throw new DatasetFormatException(file, row, "correct", e.getMessage(), e);
                }
                if (out.put(id, pr) != null) {
                    throw new DatasetFormatException(file, row, "id", "repeated id " + id, null);
                }
            }
        }
        return out;
    }

    /**
     * Looks problems up in measured pass rates.
     *
     * @param measured       pass rates by problem id
     * @param priorFallbackK when &gt; 0, a problem without a measurement gets its prior over this many samples;
     *                       when 0, a missing measurement is an error
     */
    public static Function<Problem, PassRate> measured(Map<String, PassRate> measured, int priorFallbackK) {
        return p -> {
            PassRate pr = measured.get(p.id());
            if (pr != null) {
                return pr;
            }
            if (priorFallbackK > 0) {
                return PassRate.fromPrior(p.difficultyPrior(), priorFallbackK);
            }
            throw new IllegalArgumentException("no measured pass rate for problem " + p.id());
        };
    }

    private static String text(JsonNode n, String field, Path file, long row) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new DatasetFormatException(file, row, field, "missing or not a string", null);
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String field, Path file, long row) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new DatasetFormatException(file, row, field, "missing or not an integer", null);
        }
        return v.asInt();
    }
}
