package dev.ares.reward;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.StepScorer;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.TrajectoryScore;
import dev.ares.core.scoring.AepoStepScorer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@link AepoStepScorer} with its metrics (issue 6 item 2 "metrics per bucket"), in Prometheus form:
 * <ul>
 *   <li>{@code ares_reward_groups_total{bucket}} — groups scored; {@code ares_reward_groups_kept_total{bucket}} —
 *       of them, kept by the online filter; {@code ares_reward_trajectories_total{bucket}};</li>
 *   <li>{@code ares_reward_accuracy_mean{bucket}} and {@code ares_reward_reward_mean{bucket}} — mean accuracy (0..1)
 *       and mean overall reward of the bucket's trajectories in the last batch that had the bucket (NaN before);</li>
 *   <li>{@code ares_reward_batches_total{partial}}, {@code ares_reward_hwe_threshold_nats} (last batch's τ);</li>
 *   <li>{@code ares_reward_late_groups_total}, {@code ares_reward_duplicate_groups_total},
 *       {@code ares_reward_failed_steps_total} — read from the scorer's counters.</li>
 * </ul>
 */
final class MeteredStepScorer implements StepScorer {
    private final AepoStepScorer delegate;
    private final Map<Bucket, Counter> groups = new EnumMap<>(Bucket.class);
    private final Map<Bucket, Counter> kept = new EnumMap<>(Bucket.class);
    private final Map<Bucket, Counter> trajectories = new EnumMap<>(Bucket.class);
    private final Map<Bucket, Means> means = new EnumMap<>(Bucket.class);
    private final Counter complete;
    private final Counter partial;
    private volatile double threshold = Double.NaN;

    /**
     * @param delegate the scorer
     * @param registry where the meters are registered
     */
    MeteredStepScorer(AepoStepScorer delegate, MeterRegistry registry) {
        this.delegate = delegate;
        for (Bucket b : Bucket.values()) {
            String tag = b.name().toLowerCase(Locale.ROOT);
            groups.put(b, Counter.builder("ares.reward.groups").tag("bucket", tag)
                    .description("Groups scored, by difficulty bucket").register(registry));
            kept.put(b, Counter.builder("ares.reward.groups.kept").tag("bucket", tag)
                    .description("Scored groups kept by the online filter, by bucket").register(registry));
            trajectories.put(b, Counter.builder("ares.reward.trajectories").tag("bucket", tag)
                    .description("Trajectories scored, by bucket").register(registry));
            Means m = new Means();
            means.put(b, m);
            Gauge.builder("ares.reward.accuracy.mean", m, x -> x.accuracy).tag("bucket", tag)
                    .description("Mean accuracy of the bucket's trajectories in the last batch with the bucket")
                    .register(registry);
            Gauge.builder("ares.reward.reward.mean", m, x -> x.reward).tag("bucket", tag)
                    .description("Mean overall reward of the bucket's trajectories in the last batch with the bucket")
                    .register(registry);
        }
        complete = Counter.builder("ares.reward.batches").tag("partial", "false")
                .description("Scored batches published").register(registry);
        partial = Counter.builder("ares.reward.batches").tag("partial", "true")
                .description("Scored batches published").register(registry);
        Gauge.builder("ares.reward.hwe.threshold.nats", this, x -> x.threshold)
                .description("HWE threshold of the last batch, nats").register(registry);
        FunctionCounter.builder("ares.reward.late.groups", delegate, AepoStepScorer::droppedLate)
                .description("Groups dropped because their step was already published").register(registry);
        FunctionCounter.builder("ares.reward.duplicate.groups", delegate, AepoStepScorer::duplicatesIgnored)
                .description("Groups ignored because their open step already held their id").register(registry);
        FunctionCounter.builder("ares.reward.failed.steps", delegate, AepoStepScorer::failedSteps)
                .description("Steps the AEPO library refused to score").register(registry);
    }

    @Override
    public List<ScoredBatch> accept(RolloutGroup group) {
        return record(delegate.accept(group));
    }

    @Override
    public List<ScoredBatch> expire(long nowMillis) {
        return record(delegate.expire(nowMillis));
    }

    @Override
    public Set<Long> openSteps() {
        return delegate.openSteps();
    }

    @Override
    public Readiness readiness() {
        return delegate.readiness();
    }

    /** The scorer being metered. */
    AepoStepScorer delegate() {
        return delegate;
    }

    private List<ScoredBatch> record(List<ScoredBatch> batches) {
        for (ScoredBatch batch : batches) {
            (batch.partial() ? partial : complete).increment();
            threshold = batch.stats().hweThreshold();
            Map<Bucket, double[]> sums = new EnumMap<>(Bucket.class);
            for (ScoredGroup g : batch.groups()) {
                groups.get(g.bucket()).increment();
                if (g.keep()) {
                    kept.get(g.bucket()).increment();
                }
                trajectories.get(g.bucket()).increment(g.trajectories().size());
                double[] s = sums.computeIfAbsent(g.bucket(), b -> new double[3]);
                for (TrajectoryScore t : g.trajectories()) {
                    s[0] += t.accuracy();
                    s[1] += t.reward();
                    s[2] += 1;
                }
            }
            for (Map.Entry<Bucket, double[]> e : sums.entrySet()) {
                double[] s = e.getValue();
                Means m = means.get(e.getKey());
                m.accuracy = s[0] / s[2];
                m.reward = s[1] / s[2];
            }
        }
        return batches;
    }

    /** Last-batch means of one bucket, read by the gauges. */
    private static final class Means {
        volatile double accuracy = Double.NaN;
        volatile double reward = Double.NaN;
    }
}
