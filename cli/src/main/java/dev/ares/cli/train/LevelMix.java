package dev.ares.cli.train;

import dev.ares.model.train.SftRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The level mix of a cold-start SFT dataset: every record is repeated a number of times that depends on its
 * curriculum level, so that one pass over the data shows the short, easy problems more often than the AdaCS
 * selection alone does (docs/results/cold-start.md explains why the demo model needs it: AdaCS samples pass-rate
 * brackets evenly, so level-1 addition is under 2 % of the rows and of the tokens). The AdaCS selection itself
 * (which problems, which trace length) is unchanged; only how often each selected row is visited changes.
 *
 * <p>In: records with {@link SftRecord#level()} 1..5 (0 = unknown, repeated once), and five repeat factors for levels
 * 1..5, each {@code >= 1}. Out: the records in their order, each followed by its copies (the trainer's epoch
 * shuffle spreads them out).
 */
public final class LevelMix {
    private final int[] repeats;

    private LevelMix(int[] repeats) {
        this.repeats = repeats;
    }

    /**
     * Parses {@code "r1,r2,r3,r4,r5"}.
     *
     * @throws IllegalArgumentException naming the offending entry: not five entries, not an integer, below 1 or
     *                                  above 100
     */
    public static LevelMix parse(String spec) {
        String[] parts = spec.split(",", -1);
        if (parts.length != 5) {
            throw new IllegalArgumentException("level repeats need five comma-separated integers for levels 1..5, got '"
                    + spec + "'");
        }
        int[] r = new int[5];
        for (int i = 0; i < 5; i++) {
            try {
                r[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("level repeats: entry " + (i + 1) + " ('" + parts[i]
                        + "') is not an integer");
            }
            if (r[i] < 1 || r[i] > 100) {
                throw new IllegalArgumentException("level repeats: entry " + (i + 1) + " is " + r[i]
                        + ", must be in 1..100");
            }
        }
        return new LevelMix(r);
    }

    /** Repeat factor of a level (1 for level 0 = unknown). */
    public int repeats(int level) {
        if (level < 0 || level > 5) {
            throw new IllegalArgumentException("level must be 0..5, got " + level);
        }
        return level == 0 ? 1 : repeats[level - 1];
    }

    /** True when every factor is 1 (the data is used as it is). */
    public boolean isIdentity() {
        for (int r : repeats) {
            if (r != 1) {
                return false;
            }
        }
        return true;
    }

    /** The records with each one repeated by its level's factor, in input order. */
    public List<SftRecord> apply(List<SftRecord> records) {
        List<SftRecord> out = new ArrayList<>();
        for (SftRecord r : records) {
            int n = repeats(r.level());
            for (int i = 0; i < n; i++) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(i == 0 ? "" : ",").append(repeats[i]);
        }
        return sb.toString();
    }
}
