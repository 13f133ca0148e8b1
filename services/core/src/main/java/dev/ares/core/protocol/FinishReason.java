package dev.ares.core.protocol;

/** Why generation of a trajectory ended (architecture.md §3, {@code RolloutGroup}). */
public enum FinishReason {
    /** The model sampled an end-of-sequence token (e.g. {@code <|im_end|>}). */
    EOS,
    /** The decoded text reached one of {@link SamplingParams#stop()}. */
    STOP_SEQUENCE,
    /** {@link SamplingParams#maxNewTokens()} was reached (the response is truncated). */
    LENGTH,
    /** Generation was cut short by the rollout service (shutdown, timeout, cancelled request). */
    ABORTED
}
