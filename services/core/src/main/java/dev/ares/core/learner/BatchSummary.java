package dev.ares.core.learner;

import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.TrajectoryScore;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Progress metrics of one scored batch over all its groups (kept or not: they show how the current policy does),
 * as flat train-event keys (architecture.md §3 {@code ares.train.events}; issue 6 item 5's progress display):
 * <ul>
 *   <li>{@code reward/mean}, {@code accuracy/mean}, {@code length/mean} (response tokens);</li>
 *   <li>per bucket b in {@code easy, medium, hard}: {@code reward/b}, {@code accuracy/b}, {@code length/b},
 *       {@code groups/b} (absent buckets have no keys except {@code groups/b} = 0);</li>
 *   <li>{@code hwe/rate}: fraction of trajectories with at least one validated HWE event;
 *       {@code hwe/per_trajectory}: mean count; {@code hwe/threshold}: the batch's τ in nats;</li>
 *   <li>{@code entropy/mean}: mean per-token entropy of the responses, nats.</li>
 * </ul>
 */
public final class BatchSummary {
    private BatchSummary() {
    }

    /** @return the metrics of {@code batch} (empty-batch means are absent rather than NaN) */
    public static Map<String, Double> of(ScoredBatch batch) {
        double[] reward = new double[3];
        double[] acc = new double[3];
        double[] len = new double[3];
        int[] count = new int[3];
        int[] groups = new int[3];
        double hweAny = 0;
        double hweSum = 0;
        double entSum = 0;
        long tokens = 0;
        for (ScoredGroup g : batch.groups()) {
            int d = g.bucket().ordinal();
            groups[d]++;
            for (int i = 0; i < g.trajectories().size(); i++) {
                TrajectoryScore s = g.trajectories().get(i);
                var t = g.rollout().trajectories().get(i);
                reward[d] += s.reward();
                acc[d] += s.accuracy();
                len[d] += t.length();
                count[d]++;
                hweAny += s.hweCount() > 0 ? 1 : 0;
                hweSum += s.hweCount();
                for (int k = 0; k < t.length(); k++) {
                    entSum += t.entropy(k);
                }
                tokens += t.length();
            }
        }
        TreeMap<String, Double> m = new TreeMap<>();
        int n = count[0] + count[1] + count[2];
        for (Bucket b : Bucket.values()) {
            int d = b.ordinal();
            String k = b.name().toLowerCase(Locale.ROOT);
            m.put("groups/" + k, (double) groups[d]);
            if (count[d] > 0) {
                m.put("reward/" + k, reward[d] / count[d]);
                m.put("accuracy/" + k, acc[d] / count[d]);
                m.put("length/" + k, len[d] / count[d]);
            }
        }
        if (n > 0) {
            m.put("reward/mean", (reward[0] + reward[1] + reward[2]) / n);
            m.put("accuracy/mean", (acc[0] + acc[1] + acc[2]) / n);
            m.put("length/mean", (len[0] + len[1] + len[2]) / n);
            m.put("hwe/rate", hweAny / n);
            m.put("hwe/per_trajectory", hweSum / n);
        }
        if (tokens > 0) {
            m.put("entropy/mean", entSum / tokens);
        }
        m.put("hwe/threshold", batch.stats().hweThreshold());
        return m;
    }

    /**
     * Statistics of the advantages that enter the loss: over the trajectories {@code triage} includes (trainable
     * groups, duplicates masked out), {@code advantage/mean}, {@code advantage/std} (population standard deviation)
     * and {@code advantage/count}. A redelivered group adds nothing here, so these equal the no-duplicate run's
     * (reliability.md scenario 5). Empty when nothing is included (no NaN).
     */
    public static Map<String, Double> advantages(Triage triage) {
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (Triage.TrainableGroup tg : triage.trainable()) {
            for (int i = 0; i < tg.include().length; i++) {
                if (tg.include()[i]) {
                    double a = tg.group().trajectories().get(i).advantage();
                    sum += a;
                    sq += a * a;
                    n++;
                }
            }
        }
        TreeMap<String, Double> m = new TreeMap<>();
        if (n > 0) {
            double mean = sum / n;
            m.put("advantage/mean", mean);
            m.put("advantage/std", Math.sqrt(Math.max(0, sq / n - mean * mean)));
            m.put("advantage/count", (double) n);
        }
        return m;
    }
}
