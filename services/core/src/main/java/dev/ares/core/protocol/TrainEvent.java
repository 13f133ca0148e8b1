package dev.ares.core.protocol;

import java.time.Instant;
import java.util.Map;

/**
 * Per-step training metrics; topic {@code ares.train.events}, key = run id (architecture.md §3): rewards,
 * accuracy and length per bucket, entropy, KL, controller state, as flat named values (e.g.
 * {@code reward/mean}, {@code accuracy/HARD}, {@code kl/beta/EASY}). Encoded as JSON by {@link Codecs#trainEvent()}.
 *
 * @param schemaVersion schema version of this record, 1..{@link #SCHEMA_VERSION}
 * @param runId         training run; non-blank
 * @param step          learner step, {@code >= 0}
 * @param metrics       named values (keys sorted; non-finite values allowed, e.g. a diverged loss)
 * @param time          when the step finished (UTC instant)
 */
public record TrainEvent(int schemaVersion, String runId, long step, Map<String, Double> metrics, Instant time) {
    /** The schema version this build writes. */
    public static final int SCHEMA_VERSION = 1;

    public TrainEvent {
        Checks.schemaVersion(schemaVersion, SCHEMA_VERSION, "TrainEvent");
        Checks.nonBlank(runId, "TrainEvent.runId");
        Checks.nonNegative(step, "TrainEvent.step");
        metrics = Checks.metrics(metrics, "TrainEvent.metrics");
        Checks.nonNull(time, "TrainEvent.time");
    }

    /** Creates an event of the current {@link #SCHEMA_VERSION}. */
    public TrainEvent(String runId, long step, Map<String, Double> metrics, Instant time) {
        this(SCHEMA_VERSION, runId, step, metrics, time);
    }
}
