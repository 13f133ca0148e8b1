package dev.ares.core.learner;

/**
 * Deterministic seed derivation, so that the prompts and sampling seeds of a step are a pure function of
 * (run seed, step, index) and a resumed learner re-issues exactly the requests it issued before a crash.
 */
public final class Seeds {
    private Seeds() {
    }

    /**
     * Mixes a base seed with a step and an index (SplitMix64 finaliser over a combination of the three).
     *
     * @return a well-spread 64-bit seed; equal arguments give equal results
     */
    public static long mix(long seed, long step, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (step + 1) + 0xC2B2AE3D27D4EB4FL * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
