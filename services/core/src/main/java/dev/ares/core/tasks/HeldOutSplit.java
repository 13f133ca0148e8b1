package dev.ares.core.tasks;

/**
 * The fixed train/held-out partition of the curriculum. A problem is held out when the first 8 bytes of its content
 * hash ({@link ProblemKeys#contentHash}), read as an unsigned number modulo 10 000, fall below
 * {@code heldOutFraction · 10 000}. The test depends on content only, never on the seed that produced the problem,
 * so the two splits cannot overlap even when different seeds generate the same problem (level-1 addition has only
 * 81 distinct problems).
 *
 * @param heldOutFraction fraction of problem space reserved for evaluation, in (0, 1)
 */
public record HeldOutSplit(double heldOutFraction) {

    /** The project's split: 10% of problem space held out. */
    public static final HeldOutSplit DEFAULT = new HeldOutSplit(0.10);

    /** Rejects fractions outside (0, 1). */
    public HeldOutSplit {
        if (!(heldOutFraction > 0.0 && heldOutFraction < 1.0)) {
            throw new IllegalArgumentException("heldOutFraction must be in (0,1), got " + heldOutFraction);
        }
    }

    /** The split of {@code p}, computed from its content. */
    public Split of(Problem p) {
        byte[] h = ProblemKeys.contentHash(p.family(), p.level(), p.prompt(), p.answer(), p.image());
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xFF);
        }
        long bucket = Long.remainderUnsigned(v, 10_000);
        return bucket < Math.round(heldOutFraction * 10_000) ? Split.HELDOUT : Split.TRAIN;
    }
}
