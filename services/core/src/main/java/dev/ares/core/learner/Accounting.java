package dev.ares.core.learner;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running totals of group and trajectory outcomes (reliability.md §2 promise 1: every requested group ends in
 * exactly one outcome, each counted with its reason). Checkpointed, so the totals continue across restarts.
 */
public final class Accounting {
    private final EnumMap<Outcome, Long> groups = new EnumMap<>(Outcome.class);
    private final EnumMap<Outcome, Long> trajectories = new EnumMap<>(Outcome.class);

    /** All totals zero. */
    public Accounting() {
        for (Outcome o : Outcome.values()) {
            groups.put(o, 0L);
            trajectories.put(o, 0L);
        }
    }

    /** Adds one batch's outcomes. */
    public void add(Triage t) {
        for (Outcome o : Outcome.values()) {
            groups.merge(o, (long) t.groups().get(o), Long::sum);
            trajectories.merge(o, (long) t.trajectories().get(o), Long::sum);
        }
    }

    /** Total groups with outcome {@code o}. */
    public long groups(Outcome o) {
        return groups.get(o);
    }

    /** Total trajectories with outcome {@code o}. */
    public long trajectories(Outcome o) {
        return trajectories.get(o);
    }

    /**
     * Flat totals for the checkpoint and the train event: {@code groups/<outcome>} and {@code trajectories/<outcome>}.
     */
    public Map<String, Long> toMap() {
        TreeMap<String, Long> m = new TreeMap<>();
        for (Outcome o : Outcome.values()) {
            m.put("groups/" + o.label(), groups.get(o));
            m.put("trajectories/" + o.label(), trajectories.get(o));
        }
        return m;
    }

    /**
     * Restores totals written by {@link #toMap()}.
     *
     * @throws IllegalArgumentException naming the key when one is missing, unknown or negative
     */
    public static Accounting fromMap(Map<String, Long> m) {
        Accounting a = new Accounting();
        int known = 0;
        for (Outcome o : Outcome.values()) {
            a.groups.put(o, read(m, "groups/" + o.label()));
            a.trajectories.put(o, read(m, "trajectories/" + o.label()));
            known += 2;
        }
        if (m.size() != known) {
            throw new IllegalArgumentException("accounting has unknown keys: " + m.keySet());
        }
        return a;
    }

    private static long read(Map<String, Long> m, String key) {
        Long v = m.get(key);
        if (v == null || v < 0) {
            throw new IllegalArgumentException("accounting key '" + key + "' must be present and >= 0, got " + v);
        }
        return v;
    }
}
