package dev.ares.core.data;

import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.Task;
import dev.ares.core.tasks.Trace;
import dev.ares.core.tasks.TraceWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Adaptive cold-start curation (AdaCS, aepo-spec.md §9 and §14 "coldstart_target_length", "select_by_length").
 *
 * <p>For every data source, L(0) and L(1) are the median response lengths of that source's problems with pass rate
 * p = 0 (hard) and p = 1 (easy); the target length of a problem with pass rate p is
 * {@code L_target(p) = (1 - p)·L(0) + p·L(1)}, so hard problems get long traces and easy ones short traces. Problems
 * are drawn evenly across pass-rate brackets and, in {@link Mode#ADAPTIVE}, each gets the candidate response whose
 * length is closest to its target; {@link Mode#VANILLA} ("ARES-CS-Vanilla") draws the same way but picks a candidate
 * uniformly at random, with no length matching. p = 1 problems are kept.
 *
 * <p>When a source has no p = 0 (or p = 1) problem, its lowest (highest) bracket present stands in, and the line
 * through the two anchors replaces the formula: {@code L(p) = L(pLow) + (p - pLow)/(pHigh - pLow)·(L(pHigh) - L(pLow))},
 * clamped to the anchors outside [pLow, pHigh]; with pLow = 0 and pHigh = 1 this is exactly the spec formula
 * (docs/curriculum.md records the choice). Lengths are in whatever unit the caller measured the options in.
 */
public final class AdaCs {

    /** How responses are chosen. */
    public enum Mode {
        /** Closest to L_target(p). */
        ADAPTIVE,
        /** Uniformly random candidate (the CS-Vanilla ablation). */
        VANILLA
    }

    /** Which lengths the anchors L(0) and L(1) take the median of. */
    public enum AnchorMode {
        /** The spec: the median length over all candidate responses of the source's p = 0 (p = 1) problems. */
        MEDIAN_OF_RESPONSES,
        /**
         * The median of each p = 0 problem's longest and each p = 1 problem's shortest candidate: spans the full
         * verbosity range when the candidates are graded variants of one trace (the synthetic curriculum).
         */
        EXTREMES
    }

    /**
     * The length anchors of one source.
     *
     * @param source       source name
     * @param pLow         pass rate of the low anchor (0 when the source has p = 0 problems)
     * @param lengthLow    L(pLow): median length at the low anchor
     * @param pHigh        pass rate of the high anchor (1 when the source has p = 1 problems)
     * @param lengthHigh   L(pHigh)
     * @param problemsLow  number of problems at pLow
     * @param problemsHigh number of problems at pHigh
     */
    public record Anchors(String source, double pLow, double lengthLow, double pHigh, double lengthHigh,
                          int problemsLow, int problemsHigh) {

        /** L_target(p) for this source (see the class comment for missing p = 0 or p = 1 anchors). */
        public double target(double p) {
            if (pHigh <= pLow) {
                return (lengthLow + lengthHigh) / 2;
            }
            double t = Math.max(0, Math.min(1, (p - pLow) / (pHigh - pLow)));
            return targetLength(t, lengthLow, lengthHigh);
        }
    }

    private AdaCs() {
    }

    /**
     * aepo-spec.md §9: {@code L_target(p) = (1 - p)·L(0) + p·L(1)}.
     *
     * @param p  pass rate in [0, 1]
     * @param l0 median length of the source's p = 0 (hard) problems
     * @param l1 median length of the source's p = 1 (easy) problems
     * @return the target length, in the unit of l0 and l1
     */
    public static double targetLength(double p, double l0, double l1) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("pass rate must be in [0,1], got " + p);
        }
        return (1 - p) * l0 + p * l1;
    }

    /** The anchors of every source in {@code pool}, in first-seen order of sources. */
    public static Map<String, Anchors> anchors(List<CsItem> pool, AnchorMode mode) {
        Map<String, TreeMap<Double, List<CsItem>>> bySource = new LinkedHashMap<>();
        for (CsItem it : pool) {
            bySource.computeIfAbsent(it.source(), s -> new TreeMap<>())
                    .computeIfAbsent(it.passRate().value(), p -> new ArrayList<>()).add(it);
        }
        Map<String, Anchors> out = new LinkedHashMap<>();
        for (var e : bySource.entrySet()) {
            var low = e.getValue().firstEntry();
            var high = e.getValue().lastEntry();
            double lLow = median(lengths(low.getValue(), mode == AnchorMode.EXTREMES ? Pick.LONGEST : Pick.ALL));
            double lHigh = median(lengths(high.getValue(), mode == AnchorMode.EXTREMES ? Pick.SHORTEST : Pick.ALL));
            out.put(e.getKey(), new Anchors(e.getKey(), low.getKey(), lLow, high.getKey(), lHigh,
                    low.getValue().size(), high.getValue().size()));
        }
        return out;
    }

    private enum Pick { ALL, LONGEST, SHORTEST }

    private static List<Integer> lengths(List<CsItem> items, Pick pick) {
        List<Integer> out = new ArrayList<>();
        for (CsItem it : items) {
            switch (pick) {
                case ALL -> it.options().forEach(o -> out.add(o.length()));
                case LONGEST -> out.add(it.options().stream().mapToInt(CsOption::length).max().orElseThrow());
                case SHORTEST -> out.add(it.options().stream().mapToInt(CsOption::length).min().orElseThrow());
            }
        }
        return out;
    }

    /** Median of a non-empty list (mean of the two middle values for an even count). */
    static double median(List<Integer> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("median of no values");
        }
        List<Integer> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
    }

    /** The option whose length is closest to {@code target}; ties go to the shorter, then the earlier option. */
    public static CsOption closest(List<CsOption> options, double target) {
        return options.stream()
                .min(Comparator.<CsOption>comparingDouble(o -> Math.abs(o.length() - target))
                        .thenComparingInt(CsOption::length))
                .orElseThrow(() -> new IllegalArgumentException("no options"));
    }

    /**
     * Draws up to {@code n} problems evenly across pass-rate brackets (round robin over the brackets in ascending p,
     * each bracket's problems in a seeded random order, skipping exhausted brackets) and chooses one response each.
     *
     * @param pool   candidate problems; a problem appears at most once in the result
     * @param n      number of rows wanted; fewer are returned when the pool runs out
     * @param mode   adaptive (length matching) or vanilla (random response)
     * @param anchor how L(0) and L(1) are measured
     * @param seed   seed of the problem order and of vanilla's random choice
     * @return the selections in drawing order
     */
    public static List<CsSelection> select(List<CsItem> pool, int n, Mode mode, AnchorMode anchor, long seed) {
        Map<String, Anchors> anchors = anchors(pool, anchor);
        TreeMap<Double, List<CsItem>> brackets = new TreeMap<>();
        for (CsItem it : pool) {
            brackets.computeIfAbsent(it.passRate().value(), p -> new ArrayList<>()).add(it);
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<List<CsItem>> queues = new ArrayList<>();
        for (List<CsItem> b : brackets.values()) {
            List<CsItem> q = new ArrayList<>(b);
            for (int i = q.size() - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                CsItem t = q.get(i);
                q.set(i, q.get(j));
                q.set(j, t);
            }
            queues.add(q);
        }
        List<CsSelection> out = new ArrayList<>();
        int[] next = new int[queues.size()];
        boolean progress = true;
        while (out.size() < n && progress) {
            progress = false;
            for (int b = 0; b < queues.size() && out.size() < n; b++) {
                if (next[b] < queues.get(b).size()) {
                    CsItem it = queues.get(b).get(next[b]++);
                    double target = anchors.get(it.source()).target(it.passRate().value());
                    CsOption chosen = mode == Mode.ADAPTIVE ? closest(it.options(), target)
                            : it.options().get(r.nextInt(it.options().size()));
                    out.add(new CsSelection(it, chosen, target, mode));
                    progress = true;
                }
            }
        }
        return out;
    }

    /**
     * Builds the pool from curriculum tasks: source = family, options = the five verbosity variants of the task's
     * trace ({@link TraceWriter#variants}). Repeated problems (equal ids) enter the pool once.
     *
     * @param tasks     the problems
     * @param passRates pass rate per problem (measured by the runtime, or {@link PassRate#fromPrior})
     * @param length    length of a response in the caller's unit (e.g. demo-tokenizer tokens)
     */
    public static List<CsItem> poolFromTasks(List<Task> tasks, Function<Problem, PassRate> passRates,
                                             ToIntFunction<String> length) {
        List<CsItem> out = new ArrayList<>(tasks.size());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Task t : tasks) {
            if (!seen.add(t.problem().id())) {
                continue;
            }
            List<CsOption> options = new ArrayList<>();
            for (Trace tr : TraceWriter.variants(t)) {
                options.add(new CsOption(tr.text(), tr.verbosity(), length.applyAsInt(tr.text())));
            }
            out.add(new CsItem(t.problem(), t.problem().family(), passRates.apply(t.problem()), options));
        }
        return out;
    }
}
