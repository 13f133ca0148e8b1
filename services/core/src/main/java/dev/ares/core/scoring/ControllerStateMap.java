package dev.ares.core.scoring;

import dev.ares.core.aepo.BetaBucket;
import dev.ares.core.aepo.BetaControllerState;
import dev.ares.core.aepo.BucketTargets;
import dev.ares.core.aepo.BucketValues;
import dev.ares.core.aepo.ControllerState;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Flattens the AEPO {@link ControllerState} into the named values of
 * {@link dev.ares.core.protocol.BatchStats#controllerState()} and back (architecture.md §4 step 3: the state that
 * spans steps is persisted in the scored record itself, so a restarted or standby scorer continues from it;
 * aepo-spec §14 "Everything stateful … is an explicit state record").
 *
 * <p>Keys (all values are doubles; a bucket is {@code easy}, {@code medium} or {@code hard}):
 * <ul>
 *   <li>{@code step} — number of batches scored so far (an integer);</li>
 *   <li>{@code tau} — the HWE threshold τ in nats the next step is scored with; absent before the first
 *       statistic;</li>
 *   <li>{@code alpha.<bucket>} — α_d of the code shaping (spec §6.4);</li>
 *   <li>{@code laggedTarget.<bucket>} — the paper reading's lagged target T_prev(d) (spec §6.2); absent while the
 *       bucket has none;</li>
 *   <li>{@code beta.<bucket>.logBeta}, {@code .klEma}, {@code .errEma}, {@code .klInitialized} (0 or 1) and
 *       {@code beta.ticks} (an integer) — the log-β KL controller (spec §7.2);</li>
 *   <li>{@code kappa.<bucket>} — κ_d of the paper's KL controller (spec §7.1).</li>
 * </ul>
 * {@link #restore(Map)} is the exact inverse of {@link #flatten(ControllerState)} (doubles are stored bit for bit)
 * and rejects missing, unknown or out-of-range keys with a {@link ControllerStateFormatException} naming the key.
 */
public final class ControllerStateMap {
    private static final String[] BUCKETS = {"easy", "medium", "hard"};
    private static final String[] BETA_FIELDS = {"logBeta", "klEma", "errEma", "klInitialized"};
    /** Integers above this are not exactly representable as doubles. */
    private static final double MAX_EXACT = 9_007_199_254_740_992.0;

    private ControllerStateMap() {
    }

    /**
     * @param state the controller state (after a batch)
     * @return the named values, keys sorted
     */
    public static Map<String, Double> flatten(ControllerState state) {
        TreeMap<String, Double> out = new TreeMap<>();
        out.put("step", (double) state.step());
        if (state.tau() != null) {
            out.put("tau", state.tau());
        }
        for (int d = 0; d < 3; d++) {
            out.put("alpha." + BUCKETS[d], state.alpha().get(d));
            double lagged = state.laggedTargets().getOrNaN(d);
            if (!Double.isNaN(lagged)) {
                out.put("laggedTarget." + BUCKETS[d], lagged);
            }
            BetaBucket b = beta(state.beta(), d);
            String p = "beta." + BUCKETS[d] + ".";
            out.put(p + "logBeta", b.logBeta());
            out.put(p + "klEma", b.klEma());
            out.put(p + "errEma", b.errEma());
            out.put(p + "klInitialized", b.klInitialized() ? 1.0 : 0.0);
            out.put("kappa." + BUCKETS[d], state.kappa().get(d));
        }
        out.put("beta.ticks", (double) state.beta().ticks());
        return out;
    }

    /**
     * @param values named values written by {@link #flatten(ControllerState)}
     * @return the controller state they describe
     * @throws ControllerStateFormatException when a required key is missing, a key is unknown, or a value is not
     *     finite, not an integer where one is required, or not 0/1 for {@code klInitialized}
     */
    public static ControllerState restore(Map<String, Double> values) {
        if (values == null) {
            throw new ControllerStateFormatException("controller state map is null");
        }
        Set<String> known = new HashSet<>();
        long step = integer(values, "step", known);
        Double tau = optional(values, "tau", known);
        double[] alpha = new double[3];
        double[] lagged = new double[3];
        double[] kappa = new double[3];
        BetaBucket[] betas = new BetaBucket[3];
        for (int d = 0; d < 3; d++) {
            alpha[d] = required(values, "alpha." + BUCKETS[d], known);
            Double l = optional(values, "laggedTarget." + BUCKETS[d], known);
            lagged[d] = l == null ? Double.NaN : l;
            kappa[d] = required(values, "kappa." + BUCKETS[d], known);
            String p = "beta." + BUCKETS[d] + ".";
            double init = required(values, p + "klInitialized", known);
            if (init != 0.0 && init != 1.0) {
                throw new ControllerStateFormatException("controller state key '" + p + "klInitialized' must be 0 or 1,"
                        + " got " + init);
            }
            betas[d] = new BetaBucket(required(values, p + "logBeta", known), required(values, p + "klEma", known),
                    required(values, p + "errEma", known), init == 1.0);
        }
        long ticks = integer(values, "beta.ticks", known);
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new ControllerStateFormatException("controller state has unknown key '" + key + "'");
            }
        }
        return new ControllerState(step, tau, BucketValues.of(alpha), BucketTargets.ofNullableNaN(lagged),
                new BetaControllerState(betas[0], betas[1], betas[2], ticks), BucketValues.of(kappa));
    }

    /** @return every key {@link #flatten(ControllerState)} may write, for documentation and tests */
    public static Set<String> keys() {
        Set<String> keys = new java.util.TreeSet<>();
        keys.add("step");
        keys.add("tau");
        keys.add("beta.ticks");
        for (String b : BUCKETS) {
            keys.add("alpha." + b);
            keys.add("laggedTarget." + b);
            keys.add("kappa." + b);
            for (String f : BETA_FIELDS) {
                keys.add("beta." + b + "." + f);
            }
        }
        return Set.copyOf(keys);
    }

    private static BetaBucket beta(BetaControllerState s, int d) {
        return switch (d) {
            case 0 -> s.easy();
            case 1 -> s.medium();
            default -> s.hard();
        };
    }

    private static Double optional(Map<String, Double> values, String key, Set<String> known) {
        known.add(key);
        Double v = values.get(key);
        if (v != null && !Double.isFinite(v)) {
            throw new ControllerStateFormatException("controller state key '" + key + "' must be finite, got " + v);
        }
        return v;
    }

    private static double required(Map<String, Double> values, String key, Set<String> known) {
        Double v = optional(values, key, known);
        if (v == null) {
            throw new ControllerStateFormatException("controller state misses key '" + key + "'");
        }
        return v;
    }

    private static long integer(Map<String, Double> values, String key, Set<String> known) {
        double v = required(values, key, known);
        if (v < 0 || v > MAX_EXACT || v != Math.rint(v)) {
            throw new ControllerStateFormatException("controller state key '" + key
                    + "' must be a non-negative integer, got " + v);
        }
        return (long) v;
    }
}
