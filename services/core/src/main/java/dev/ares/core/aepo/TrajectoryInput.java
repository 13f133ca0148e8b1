package dev.ares.core.aepo;

/**
 * One rollout trajectory as the scorer needs it (spec §14 ordering; architecture "RolloutGroup").
 *
 * @param correct verified answer correctness (acc ∈ {0, 1})
 * @param formatOk format check result (spec §10), used only with a non-zero format weight
 * @param entropies exact per-token entropies of the response, nats; at least {@code length} entries
 * @param triggers trigger flags of the sampled tokens; at least {@code length} entries
 * @param length response length L in tokens (positions 0 .. L−1 are read)
 */
public record TrajectoryInput(boolean correct, boolean formatOk, float[] entropies, boolean[] triggers, int length) {

    /** Checks shapes; the message names the field. */
    public TrajectoryInput {
        if (entropies == null || triggers == null) {
            throw new AepoInputException("trajectory: entropies and triggers must be present");
        }
        if (length < 0 || length > entropies.length || length > triggers.length) {
            throw new AepoInputException("trajectory: length " + length + " exceeds entropies (" + entropies.length
                    + ") or triggers (" + triggers.length + ")");
        }
    }

    /** @return a trajectory whose length is the entropy array's length */
    public static TrajectoryInput of(boolean correct, boolean formatOk, float[] entropies, boolean[] triggers) {
        return new TrajectoryInput(correct, formatOk, entropies, triggers, entropies.length);
    }
}
