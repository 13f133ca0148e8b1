package dev.ares.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.cli.eval.Aggregate;
import dev.ares.cli.eval.EvalReport;
import dev.ares.core.aepo.Bucket;
import java.util.Locale;
import java.util.Map;

/**
 * The last line of {@code ./ares demo} (issue 6 item 5): one JSON object with {@code steps},
 * {@code checkpoint_version}, {@code accuracy_by_bucket} and {@code mean_length_by_bucket} (keys easy, medium,
 * hard: the held-out evaluation bucketed by measured pass rate; null for an empty bucket) and {@code inference_url}.
 */
final class DemoSummary {
    private DemoSummary() {
    }

    /** The JSON line for a finished run. */
    static String json(int steps, long version, EvalReport report, String inferenceUrl) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        o.put("steps", steps);
        o.put("checkpoint_version", version);
        ObjectNode acc = o.putObject("accuracy_by_bucket");
        ObjectNode len = o.putObject("mean_length_by_bucket");
        Map<Bucket, Aggregate> byBucket = report.byBucket();
        for (Bucket b : Bucket.values()) {
            Aggregate a = byBucket.get(b);
            String key = b.name().toLowerCase(Locale.ROOT);
            if (a == null || a.samples() == 0) {
                acc.putNull(key);
                len.putNull(key);
            } else {
                acc.put(key, round(a.accuracy()));
                len.put(key, round(a.meanTokens()));
            }
        }
        o.put("inference_url", inferenceUrl);
        try {
            return om.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
