package dev.ares.core.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * One sampled response of a rollout group, with its exact per-token statistics (architecture.md §3, §5).
 * All per-token arrays have the same length T = number of generated tokens (the prompt is not included).
 *
 * <p>Immutable: arrays are copied on construction and every array accessor returns a fresh copy, so call an
 * accessor once and loop over the result (or use the indexed getters). {@code equals}/{@code hashCode}
 * compare array contents ({@code Float} arrays bit-for-bit via {@link Arrays#equals(float[], float[])}).
 *
 * @param trajectoryId    unique id (deduplication key of the learner); non-blank
 * @param tokenIds        generated token ids, length T, each {@code >= 0}
 * @param text            decoded text of {@code tokenIds}; non-null
 * @param sampledLogprobs behaviour log-probability (nats) of each sampled token under the truncated sampling
 *                        distribution (temperature, top-p, top-k applied); length T, each {@code <= 0}, not NaN
 * @param modelLogprobs   log-probability of each sampled token under the untruncated model distribution at
 *                        temperature 1; length T, each {@code <= 0} (may be {@code -Infinity}), not NaN
 * @param entropies       exact entropy (nats) of the full untruncated next-token distribution at each step;
 *                        length T, finite, {@code >= 0}
 * @param triggers        whether each sampled token is a reasoning trigger (trigger table); length T
 * @param branchParent    id of the trajectory this one forked from in HWE-branch mode, or {@code null}
 * @param branchPosition  index of the first token this trajectory sampled itself after forking (tokens before it
 *                        are the parent's prefix, copied here so the trajectory is self-contained); {@code -1}
 *                        iff {@code branchParent} is null, else in {@code [0, T]}
 * @param finishReason    why generation ended
 * @param policyVersion   checkpoint version that generated this trajectory, {@code >= 0}
 * @param timings         generation cost
 */
public record Trajectory(String trajectoryId, int[] tokenIds, String text, float[] sampledLogprobs,
                         float[] modelLogprobs, float[] entropies, boolean[] triggers, String branchParent,
                         int branchPosition, FinishReason finishReason, long policyVersion, Timings timings) {

    public Trajectory {
        Checks.nonBlank(trajectoryId, "Trajectory.trajectoryId");
        String where = "Trajectory[" + trajectoryId + "].";
        Checks.nonNull(tokenIds, where + "tokenIds");
        Checks.nonNull(text, where + "text");
        Checks.nonNull(sampledLogprobs, where + "sampledLogprobs");
        Checks.nonNull(modelLogprobs, where + "modelLogprobs");
        Checks.nonNull(entropies, where + "entropies");
        Checks.nonNull(triggers, where + "triggers");
        int t = tokenIds.length;
        Checks.sameLength(t, sampledLogprobs.length, where + "sampledLogprobs", "tokenIds");
        Checks.sameLength(t, modelLogprobs.length, where + "modelLogprobs", "tokenIds");
        Checks.sameLength(t, entropies.length, where + "entropies", "tokenIds");
        Checks.sameLength(t, triggers.length, where + "triggers", "tokenIds");
        for (int i = 0; i < t; i++) {
            if (tokenIds[i] < 0) {
                throw new IllegalArgumentException(where + "tokenIds[" + i + "] must be >= 0, got " + tokenIds[i]);
            }
            float s = sampledLogprobs[i];
            if (!(s <= 0f) || s == Float.NEGATIVE_INFINITY) {
                throw new IllegalArgumentException(where + "sampledLogprobs[" + i + "] must be finite and <= 0, got " + s);
            }
            if (!(modelLogprobs[i] <= 0f)) {
                throw new IllegalArgumentException(where + "modelLogprobs[" + i + "] must be <= 0, got " + modelLogprobs[i]);
            }
            float h = entropies[i];
            if (!(h >= 0f) || h == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(where + "entropies[" + i + "] must be finite and >= 0, got " + h);
            }
        }
        if (branchParent == null) {
            if (branchPosition != -1) {
                throw new IllegalArgumentException(where + "branchPosition must be -1 without a branchParent, got "
                        + branchPosition);
            }
        } else {
            Checks.nonBlank(branchParent, where + "branchParent");
            if (branchParent.equals(trajectoryId)) {
                throw new IllegalArgumentException(where + "branchParent must differ from the trajectory's own id");
            }
            if (branchPosition < 0 || branchPosition > t) {
                throw new IllegalArgumentException(where + "branchPosition must be in [0, " + t + "], got "
                        + branchPosition);
            }
        }
        Checks.nonNull(finishReason, where + "finishReason");
        Checks.nonNegative(policyVersion, where + "policyVersion");
        Checks.nonNull(timings, where + "timings");
        tokenIds = tokenIds.clone();
        sampledLogprobs = sampledLogprobs.clone();
        modelLogprobs = modelLogprobs.clone();
        entropies = entropies.clone();
        triggers = triggers.clone();
    }

    /** Number of generated tokens T. */
    public int length() {
        return tokenIds.length;
    }

    /** Copy of the token ids (length T). */
    @Override
    public int[] tokenIds() {
        return tokenIds.clone();
    }

    /** Copy of the behaviour log-probabilities (length T, nats). */
    @Override
    public float[] sampledLogprobs() {
        return sampledLogprobs.clone();
    }

    /** Copy of the untruncated temperature-1 log-probabilities (length T, nats). */
    @Override
    public float[] modelLogprobs() {
        return modelLogprobs.clone();
    }

    /** Copy of the exact per-step entropies (length T, nats). */
    @Override
    public float[] entropies() {
        return entropies.clone();
    }

    /** Copy of the trigger flags (length T). */
    @Override
    public boolean[] triggers() {
        return triggers.clone();
    }

    /** Token id at position {@code i}, without copying. */
    public int tokenId(int i) {
        return tokenIds[i];
    }

    /** Behaviour log-probability at position {@code i}, without copying. */
    public float sampledLogprob(int i) {
        return sampledLogprobs[i];
    }

    /** Untruncated log-probability at position {@code i}, without copying. */
    public float modelLogprob(int i) {
        return modelLogprobs[i];
    }

    /** Entropy at position {@code i}, without copying. */
    public float entropy(int i) {
        return entropies[i];
    }

    /** Trigger flag at position {@code i}, without copying. */
    public boolean trigger(int i) {
        return triggers[i];
    }

    /** Number of trigger tokens in the trajectory. */
    public int triggerCount() {
        int c = 0;
        for (boolean b : triggers) {
            if (b) {
                c++;
            }
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Trajectory other)) {
            return false;
        }
        return branchPosition == other.branchPosition
                && policyVersion == other.policyVersion
                && trajectoryId.equals(other.trajectoryId)
                && text.equals(other.text)
                && Objects.equals(branchParent, other.branchParent)
                && finishReason == other.finishReason
                && timings.equals(other.timings)
                && Arrays.equals(tokenIds, other.tokenIds)
                && Arrays.equals(sampledLogprobs, other.sampledLogprobs)
                && Arrays.equals(modelLogprobs, other.modelLogprobs)
                && Arrays.equals(entropies, other.entropies)
                && Arrays.equals(triggers, other.triggers);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(trajectoryId, text, branchParent, branchPosition, finishReason, policyVersion, timings);
        h = 31 * h + Arrays.hashCode(tokenIds);
        h = 31 * h + Arrays.hashCode(sampledLogprobs);
        h = 31 * h + Arrays.hashCode(modelLogprobs);
        h = 31 * h + Arrays.hashCode(entropies);
        h = 31 * h + Arrays.hashCode(triggers);
        return h;
    }

    @Override
    public String toString() {
        return "Trajectory[id=" + trajectoryId + ", tokens=" + tokenIds.length + ", triggers=" + triggerCount()
                + ", branchParent=" + branchParent + ", branchPosition=" + branchPosition
                + ", finishReason=" + finishReason + ", policyVersion=" + policyVersion + ", timings=" + timings
                + ", textChars=" + text.length() + "]";
    }
}
