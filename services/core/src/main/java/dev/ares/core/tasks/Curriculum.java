package dev.ares.core.tasks;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A weighted mix of (family, level) entries that yields an endless, seeded stream of tasks from one split.
 *
 * <p>Task i of a stream is drawn as follows: an entry is chosen with probability proportional to its weight, then a
 * problem seed; problems of the other split are rejected and redrawn with the next seed. The stream is a pure
 * function of (curriculum, split, seed).
 */
public final class Curriculum {

    /** Attempts to find a problem of the wanted split before giving up on an entry. */
    static final int MAX_SPLIT_ATTEMPTS = 10_000;

    /**
     * One entry of the mix.
     *
     * @param family the generator
     * @param level  difficulty 1..5
     * @param weight relative weight, &gt; 0
     */
    public record Entry(TaskFamily family, int level, double weight) {
        /** Validates level and weight. */
        public Entry {
            Objects.requireNonNull(family, "family");
            TaskFamily.checkLevel(family.name(), level);
            if (!(weight > 0.0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("weight of " + family.name() + " L" + level + " must be > 0, got " + weight);
            }
        }
    }

    private final List<Entry> entries;
    private final double[] cumulative;
    private final HeldOutSplit split;

    private Curriculum(List<Entry> entries, HeldOutSplit split) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a curriculum needs at least one entry");
        }
        this.entries = List.copyOf(entries);
        this.split = split;
        this.cumulative = new double[entries.size()];
        double acc = 0;
        for (int i = 0; i < entries.size(); i++) {
            acc += entries.get(i).weight();
            cumulative[i] = acc;
        }
    }

    /** Starts an empty curriculum with the default held-out split. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every family of {@code modality} at every level, all weights 1. */
    public static Curriculum uniform(Modality modality) {
        Builder b = builder();
        for (TaskFamily f : TaskFamilies.of(modality)) {
            b.allLevels(f.name(), 1, 1, 1, 1, 1);
        }
        return b.build();
    }

    /** Every built-in family at every level, all weights 1. */
    public static Curriculum all() {
        Builder b = builder();
        for (TaskFamily f : TaskFamilies.all()) {
            b.allLevels(f.name(), 1, 1, 1, 1, 1);
        }
        return b.build();
    }

    /** The entries in the order they were added. */
    public List<Entry> entries() {
        return entries;
    }

    /** The partition this curriculum draws from. */
    public HeldOutSplit split() {
        return split;
    }

    /** An endless iterator of tasks of {@code which} split; equal arguments give equal sequences. */
    public Iterator<Task> stream(Split which, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Task next() {
                Entry e = pick(r.nextDouble() * cumulative[cumulative.length - 1]);
                long problemSeed = r.nextLong();
                return generateIn(e.family(), e.level(), problemSeed, which, split);
            }
        };
    }

    /** The first {@code n} tasks of {@link #stream(Split, long)}. */
    public List<Task> take(Split which, long seed, int n) {
        Iterator<Task> it = stream(which, seed);
        List<Task> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(it.next());
        }
        return out;
    }

    /**
     * Up to {@code n} tasks of {@code which} split with distinct ids, in stream order, looking at no more than
     * {@code maxDraws} tasks of {@link #stream(Split, long)}: an evaluation set without repeats. Fewer than {@code n}
     * come back when the entries' problem space is smaller (level-1 addition holds about 8 held-out problems).
     */
    public List<Task> takeDistinct(Split which, long seed, int n, int maxDraws) {
        Iterator<Task> it = stream(which, seed);
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Task> out = new ArrayList<>();
        for (int draw = 0; draw < maxDraws && out.size() < n; draw++) {
            Task t = it.next();
            if (seen.add(t.problem().id())) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Generates a task of {@code family} at {@code level} that lies in split {@code which}, trying seeds
     * {@code seed, seed + 1, ...}.
     *
     * @throws NoSuchElementException if no problem of that split turns up in {@value #MAX_SPLIT_ATTEMPTS} attempts
     */
    public static Task generateIn(TaskFamily family, int level, long seed, Split which, HeldOutSplit split) {
        for (int attempt = 0; attempt < MAX_SPLIT_ATTEMPTS; attempt++) {
            Task t = family.generate(level, seed + attempt);
            if (split.of(t.problem()) == which) {
                return t;
            }
        }
        throw new NoSuchElementException("no " + which + " problem of " + family.name() + " L" + level + " in "
                + MAX_SPLIT_ATTEMPTS + " seeds from " + seed);
    }

    private Entry pick(double u) {
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return entries.get(i);
            }
        }
        return entries.get(entries.size() - 1);
    }

    /** Collects entries. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private HeldOutSplit split = HeldOutSplit.DEFAULT;

        /** Adds {@code family} (a built-in family name) at {@code level} with {@code weight}. */
        public Builder add(String family, int level, double weight) {
            entries.add(new Entry(TaskFamilies.byName(family), level, weight));
            return this;
        }

        /** Adds one entry per level 1..5 with the given five weights (a weight of 0 skips the level). */
        public Builder allLevels(String family, double... weights) {
            if (weights.length != TaskFamily.MAX_LEVEL) {
                throw new IllegalArgumentException("allLevels needs 5 weights for " + family + ", got " + weights.length);
            }
            for (int level = 1; level <= TaskFamily.MAX_LEVEL; level++) {
                if (weights[level - 1] != 0.0) {
                    add(family, level, weights[level - 1]);
                }
            }
            return this;
        }

        /** Uses another held-out partition. */
        public Builder split(HeldOutSplit heldOutSplit) {
            this.split = Objects.requireNonNull(heldOutSplit, "split");
            return this;
        }

        /** The curriculum; throws if there is no entry. */
        public Curriculum build() {
            return new Curriculum(entries, split);
        }
    }
}
