package dev.ares.core.protocol;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Batch-level statistics of a {@link ScoredBatch} (architecture.md §3, §4): the HWE threshold used for this
 * step, the per-bucket targets, and the cross-step controller state (threshold EMA, per-bucket alpha, ...),
 * persisted in the scored record so a restarted or standby scorer continues from it.
 *
 * @param hweThreshold    HWE threshold in nats, finite and {@code >= 0}
 * @param bucketTargets   per-bucket target values (e.g. target HWE count or entropy budget); keys are buckets
 * @param controllerState named controller values (keys sorted); values may be any double
 */
public record BatchStats(double hweThreshold, Map<Bucket, Double> bucketTargets, Map<String, Double> controllerState) {
    public BatchStats {
        Checks.finite(hweThreshold, "BatchStats.hweThreshold");
        if (hweThreshold < 0) {
            throw new IllegalArgumentException("BatchStats.hweThreshold must be >= 0, got " + hweThreshold);
        }
        Checks.nonNull(bucketTargets, "BatchStats.bucketTargets");
        EnumMap<Bucket, Double> targets = new EnumMap<>(Bucket.class);
        for (Map.Entry<Bucket, Double> e : bucketTargets.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException("BatchStats.bucketTargets has a null bucket");
            }
            Checks.finite(Checks.nonNull(e.getValue(), "BatchStats.bucketTargets[" + e.getKey() + "]"),
                    "BatchStats.bucketTargets[" + e.getKey() + "]");
            targets.put(e.getKey(), e.getValue());
        }
        bucketTargets = Collections.unmodifiableMap(targets);
        controllerState = Checks.metrics(controllerState, "BatchStats.controllerState");
    }
}
