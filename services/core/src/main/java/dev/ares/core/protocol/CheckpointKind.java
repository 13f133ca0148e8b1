package dev.ares.core.protocol;

/** What a checkpoint holds (architecture.md §3, §4). */
public enum CheckpointKind {
    /** Full model weights. */
    FULL,
    /** A LoRA adapter to apply on a full base version. */
    LORA
}
