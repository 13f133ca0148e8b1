package dev.ares.core.aepo;

/** Overall reward and the online filter (spec §5 "Online filtering", §6.3, §14). */
public final class Rewards {
    private Rewards() {
    }

    /** What the online filter averages per group (spec §14: configurable; accuracy is the saner key). */
    public enum FilterKey {
        /** Mean accuracy of the group: drops all-correct and all-wrong groups. */
        ACCURACY,
        /** Mean overall reward (official {@code filter_key: overall}). */
        OVERALL
    }

    /**
     * R = acc + E + w_fmt·fmt (spec §6.3, §14 {@code overall_reward}; the official code has w_fmt = 0 in effect).
     *
     * @param acc [B] correctness (1/0)
     * @param e [B] entropy term
     * @param fmt [B] format flags, or null
     * @param formatWeight weight of the format flag
     * @return R[B]
     */
    public static double[] overallReward(boolean[] acc, double[] e, boolean[] fmt, double formatWeight) {
        Checks.length(e.length, acc.length, "e");
        if (fmt != null) {
            Checks.length(fmt.length, acc.length, "fmt");
        }
        double[] r = new double[acc.length];
        for (int i = 0; i < acc.length; i++) {
            r[i] = (acc[i] ? 1.0 : 0.0) + e[i] + (fmt != null && fmt[i] ? formatWeight : 0.0);
        }
        return r;
    }

    /**
     * Online filter (spec §5, §14 {@code online_filter}): a group is kept iff the mean of its key lies strictly
     * inside (lo, hi).
     *
     * @param key [B] per-response key (overall reward or accuracy as 1/0)
     * @param groupId [B] dense group index
     * @param groups number of groups
     * @param lo lower bound (0.01)
     * @param hi upper bound (0.99)
     * @return keep[B], constant within a group
     */
    public static boolean[] onlineFilter(double[] key, int[] groupId, int groups, double lo, double hi) {
        Checks.length(groupId.length, key.length, "groupId");
        double[] sum = new double[groups];
        int[] cnt = new int[groups];
        for (int i = 0; i < key.length; i++) {
            sum[groupId[i]] += key[i];
            cnt[groupId[i]]++;
        }
        boolean[] keep = new boolean[key.length];
        for (int i = 0; i < key.length; i++) {
            double mean = sum[groupId[i]] / cnt[groupId[i]];
            keep[i] = mean > lo && mean < hi;
        }
        return keep;
    }
}
