/**
 * Protocol records exchanged between the ARES services over Kafka (architecture.md §3) and their codecs.
 *
 * <p>Top-level topic records: {@link dev.ares.core.protocol.RolloutRequest}, {@link dev.ares.core.protocol.RolloutGroup},
 * {@link dev.ares.core.protocol.ScoredBatch}, {@link dev.ares.core.protocol.CheckpointEvent},
 * {@link dev.ares.core.protocol.TrainEvent}, {@link dev.ares.core.protocol.DeadLetter}. Each carries a schema version
 * and validates its invariants in its constructor ({@link java.lang.IllegalArgumentException} naming the field).
 * {@link dev.ares.core.protocol.Codecs} gives a {@link dev.ares.core.protocol.RecordCodec} for each.
 */
package dev.ares.core.protocol;
