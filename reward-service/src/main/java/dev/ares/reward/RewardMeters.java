package dev.ares.reward;

import dev.ares.core.protocol.Bucket;
import dev.ares.core.scoring.AepoStepScorer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

/**
 * The reward service's meters, registered when the service starts (before its AEPO scorer has restored its
 * controller state from {@code ares.scored}), so a fresh replica exports every series: the counters at 0, the
 * last-batch gauges as NaN (no batch scored yet), for each {@link Bucket} in lower case. Prometheus names:
 * <ul>
 *   <li>{@code ares_reward_groups_total{bucket}}, {@code ares_reward_groups_kept_total{bucket}},
 *       {@code ares_reward_trajectories_total{bucket}};</li>
 *   <li>{@code ares_reward_accuracy_mean{bucket}}, {@code ares_reward_reward_mean{bucket}} (last batch with the
 *       bucket), {@code ares_reward_hwe_threshold_nats} (last batch's τ);</li>
 *   <li>{@code ares_reward_batches_total{partial}};</li>
 *   <li>{@code ares_reward_late_groups_total}, {@code ares_reward_duplicate_groups_total},
 *       {@code ares_reward_failed_steps_total}: the scorer's own counters once it is {@link #attach attached}.</li>
 * </ul>
 * {@link MeteredStepScorer} records into them.
 */
final class RewardMeters {
    final Map<Bucket, Counter> groups = new EnumMap<>(Bucket.class);
    final Map<Bucket, Counter> kept = new EnumMap<>(Bucket.class);
    final Map<Bucket, Counter> trajectories = new EnumMap<>(Bucket.class);
    final Map<Bucket, Means> means = new EnumMap<>(Bucket.class);
    final Counter complete;
    final Counter partial;
    volatile double threshold = Double.NaN;
    private final AtomicReference<AepoStepScorer> scorer = new AtomicReference<>();

    /** Registers every meter on {@code registry}. */
    RewardMeters(MeterRegistry registry) {
        for (Bucket b : Bucket.values()) {
            String tag = tag(b);
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
        scorerCounter(registry, "ares.reward.late.groups", AepoStepScorer::droppedLate,
                "Groups dropped because their step was already published");
        scorerCounter(registry, "ares.reward.duplicate.groups", AepoStepScorer::duplicatesIgnored,
                "Groups ignored because their open step already held their id");
        scorerCounter(registry, "ares.reward.failed.steps", AepoStepScorer::failedSteps,
                "Steps the AEPO library refused to score");
    }

    /** The tag value of a bucket: its name in lower case ({@code easy}, {@code medium}, {@code hard}). */
    static String tag(Bucket b) {
        return b.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Makes the scorer's counters visible (they read 0 before).
     *
     * @throws IllegalStateException if another scorer is already attached (its counters would go backwards)
     */
    void attach(AepoStepScorer s) {
        if (!scorer.compareAndSet(null, s) && scorer.get() != s) {
            throw new IllegalStateException("the reward meters already read another scorer's counters");
        }
    }

    private void scorerCounter(MeterRegistry registry, String name, ToLongFunction<AepoStepScorer> count,
                               String description) {
        FunctionCounter.builder(name, scorer, r -> {
            AepoStepScorer s = r.get();
            return s == null ? 0 : count.applyAsLong(s);
        }).description(description).register(registry);
    }

    /** Last-batch means of one bucket, read by the gauges (NaN before the bucket's first batch). */
    static final class Means {
        volatile double accuracy = Double.NaN;
        volatile double reward = Double.NaN;
    }
}
