package dev.ares.core.protocol;

import dev.ares.core.protocol.wire.RecordType;
import dev.ares.core.protocol.wire.RolloutGroupWire;
import dev.ares.core.protocol.wire.ScoredBatchWire;

/**
 * The codecs of the protocol records (architecture.md §3). All codecs are stateless singletons and thread-safe.
 *
 * <ul>
 *   <li>Binary (protobuf in a versioned envelope, zstd-compressed when that helps; see docs/protocol.md):
 *       {@link #rolloutGroup()}, {@link #scoredBatch()} — the large records with per-token arrays, logprobs and
 *       entropies as lossless f32.</li>
 *   <li>JSON (Jackson, UTF-8): {@link #rolloutRequest()}, {@link #checkpointEvent()}, {@link #trainEvent()},
 *       {@link #deadLetter()} — the small control records.</li>
 * </ul>
 * Decode failures are {@link RecordFormatException}s with a {@link RecordFormatException.Reason}.
 */
public final class Codecs {
    private static final RecordCodec<RolloutRequest> ROLLOUT_REQUEST =
            new JsonRecordCodec<>(RolloutRequest.class, RolloutRequest.SCHEMA_VERSION);
    private static final RecordCodec<CheckpointEvent> CHECKPOINT_EVENT =
            new JsonRecordCodec<>(CheckpointEvent.class, CheckpointEvent.SCHEMA_VERSION);
    private static final RecordCodec<TrainEvent> TRAIN_EVENT =
            new JsonRecordCodec<>(TrainEvent.class, TrainEvent.SCHEMA_VERSION);
    private static final RecordCodec<DeadLetter> DEAD_LETTER =
            new JsonRecordCodec<>(DeadLetter.class, DeadLetter.SCHEMA_VERSION);
    private static final RecordCodec<RolloutGroup> ROLLOUT_GROUP = new BinaryRecordCodec<>(
            RecordType.RECORD_TYPE_ROLLOUT_GROUP, "RolloutGroup", RolloutGroup.SCHEMA_VERSION,
            RolloutGroup::schemaVersion, RolloutGroupWireMapper::toWire, RolloutGroupWire::parseFrom,
            RolloutGroupWireMapper::fromWire);
    private static final RecordCodec<ScoredBatch> SCORED_BATCH = new BinaryRecordCodec<>(
            RecordType.RECORD_TYPE_SCORED_BATCH, "ScoredBatch", ScoredBatch.SCHEMA_VERSION,
            ScoredBatch::schemaVersion, ScoredBatchWireMapper::toWire, ScoredBatchWire::parseFrom,
            ScoredBatchWireMapper::fromWire);

    private Codecs() {
    }

    /** JSON codec of {@link RolloutRequest} (topic {@code ares.rollout.requests}). */
    public static RecordCodec<RolloutRequest> rolloutRequest() {
        return ROLLOUT_REQUEST;
    }

    /** Binary codec of {@link RolloutGroup} (topic {@code ares.rollouts}). */
    public static RecordCodec<RolloutGroup> rolloutGroup() {
        return ROLLOUT_GROUP;
    }

    /** Binary codec of {@link ScoredBatch} (topic {@code ares.scored}). */
    public static RecordCodec<ScoredBatch> scoredBatch() {
        return SCORED_BATCH;
    }

    /** JSON codec of {@link CheckpointEvent} (topic {@code ares.checkpoints}). */
    public static RecordCodec<CheckpointEvent> checkpointEvent() {
        return CHECKPOINT_EVENT;
    }

    /** JSON codec of {@link TrainEvent} (topic {@code ares.train.events}). */
    public static RecordCodec<TrainEvent> trainEvent() {
        return TRAIN_EVENT;
    }

    /** JSON codec of {@link DeadLetter} (topics {@code *.dlq}). */
    public static RecordCodec<DeadLetter> deadLetter() {
        return DEAD_LETTER;
    }
}
