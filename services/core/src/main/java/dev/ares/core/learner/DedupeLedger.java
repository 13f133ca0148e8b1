package dev.ares.core.learner;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Ids that already have an outcome (architecture.md §4 step 4: "deduplicates trajectories by id"; reliability.md
 * scenario 5): every group id that was trained, filtered, or dropped as stale, and every trajectory id that was
 * trained. It is stored inside each checkpoint, so dedupe survives restarts. Size: one string per group plus one
 * per trained trajectory; at the demo's scale (a few thousand trajectories) tens of kilobytes of JSON.
 */
public final class DedupeLedger {
    private final TreeSet<String> groups = new TreeSet<>();
    private final TreeSet<String> trajectories = new TreeSet<>();

    /** An empty ledger. */
    public DedupeLedger() {
    }

    /** A ledger holding the given ids (from a checkpoint). */
    public static DedupeLedger of(Collection<String> groupIds, Collection<String> trajectoryIds) {
        DedupeLedger l = new DedupeLedger();
        l.groups.addAll(groupIds);
        l.trajectories.addAll(trajectoryIds);
        return l;
    }

    /** @return true when the group already has an outcome */
    public boolean hasGroup(String groupId) {
        return groups.contains(groupId);
    }

    /** @return true when the trajectory was already trained on */
    public boolean hasTrajectory(String trajectoryId) {
        return trajectories.contains(trajectoryId);
    }

    /** Records a group's outcome. */
    void addGroup(String groupId) {
        groups.add(groupId);
    }

    /** Records a trained trajectory. */
    void addTrajectory(String trajectoryId) {
        trajectories.add(trajectoryId);
    }

    /** Group ids with an outcome, sorted. */
    public List<String> groupIds() {
        return List.copyOf(groups);
    }

    /** Trained trajectory ids, sorted. */
    public List<String> trajectoryIds() {
        return List.copyOf(trajectories);
    }
}
