package dev.ares.core.learner;

import java.util.List;
import java.util.TreeSet;

/**
 * A compact set of non-negative step numbers: every step below a watermark, plus the members above it. Finished
 * steps are almost contiguous, so this stays a few numbers long however long the run is.
 */
public final class StepSet {
    private long below;
    private final TreeSet<Long> above = new TreeSet<>();

    /** An empty set. */
    public StepSet() {
    }

    /**
     * Restores a set written by {@link #watermark()} and {@link #sparse()}.
     *
     * @param watermark every step {@code < watermark} is a member, {@code >= 0}
     * @param sparse    further members, each {@code >= watermark}
     * @throws IllegalArgumentException naming the bad value
     */
    public static StepSet of(long watermark, List<Long> sparse) {
        if (watermark < 0) {
            throw new IllegalArgumentException("step set watermark must be >= 0, got " + watermark);
        }
        StepSet s = new StepSet();
        s.below = watermark;
        for (Long x : sparse) {
            if (x == null || x < watermark) {
                throw new IllegalArgumentException("step set member " + x + " must be >= the watermark " + watermark);
            }
            s.add(x);
        }
        return s;
    }

    /** @return true when {@code step} is a member */
    public boolean contains(long step) {
        return step < below || above.contains(step);
    }

    /**
     * Adds a step.
     *
     * @return true when it was not a member before
     */
    public boolean add(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (contains(step)) {
            return false;
        }
        above.add(step);
        while (above.remove(below)) {
            below++;
        }
        return true;
    }

    /** Every step below this is a member. */
    public long watermark() {
        return below;
    }

    /** Members at or above the watermark, ascending. */
    public List<Long> sparse() {
        return List.copyOf(above);
    }

    /** Number of members. */
    public long size() {
        return below + above.size();
    }
}
