package dev.ares.reward;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.StepScorer;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.TrajectoryScore;
import dev.ares.core.scoring.AepoStepScorer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link AepoStepScorer} with its metrics (issue 6 item 2 "metrics per bucket"): every batch it passes on is
 * recorded in {@link RewardMeters} (groups, kept groups and trajectories per bucket, the bucket's mean accuracy
 * and reward in the last batch that had it, the batch's HWE threshold, complete and partial batches). The meters
 * exist from the service's start ({@link StepScorerProducer} registers them before the scorer is restored).
 */
final class MeteredStepScorer implements StepScorer {
    private final AepoStepScorer delegate;
    private final RewardMeters meters;

    /**
     * @param delegate the scorer
     * @param meters where the batches are recorded; they read the scorer's own counters from now on
     */
    MeteredStepScorer(AepoStepScorer delegate, RewardMeters meters) {
        this.delegate = delegate;
        this.meters = meters;
        meters.attach(delegate);
    }

    /**
     * @param delegate the scorer
     * @param registry where new meters are registered
     */
    MeteredStepScorer(AepoStepScorer delegate, MeterRegistry registry) {
        this(delegate, new RewardMeters(registry));
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
            (batch.partial() ? meters.partial : meters.complete).increment();
            meters.threshold = batch.stats().hweThreshold();
            Map<Bucket, double[]> sums = new EnumMap<>(Bucket.class);
            for (ScoredGroup g : batch.groups()) {
                meters.groups.get(g.bucket()).increment();
                if (g.keep()) {
                    meters.kept.get(g.bucket()).increment();
                }
                meters.trajectories.get(g.bucket()).increment(g.trajectories().size());
                double[] s = sums.computeIfAbsent(g.bucket(), b -> new double[3]);
                for (TrajectoryScore t : g.trajectories()) {
                    s[0] += t.accuracy();
                    s[1] += t.reward();
                    s[2] += 1;
                }
            }
            for (Map.Entry<Bucket, double[]> e : sums.entrySet()) {
                double[] s = e.getValue();
                RewardMeters.Means m = meters.means.get(e.getKey());
                m.accuracy = s[0] / s[2];
                m.reward = s[1] / s[2];
            }
        }
        return batches;
    }
}
