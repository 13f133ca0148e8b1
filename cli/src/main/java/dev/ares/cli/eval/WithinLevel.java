package dev.ares.cli.eval;

import dev.ares.core.aepo.Bucket;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Response length against the model's measured difficulty <em>inside</em> each (family, level) cell of an evaluation
 * with k &gt; 1 (issue 5: "length rising with the model's measured difficulty, not only with the level label").
 *
 * <p>In: the problems of an {@link EvalReport}, each with its pass rate p = correct / k and its samples' token counts.
 * Out: per cell, the {@link Aggregate} of each aepo-spec.md §5 bucket of p; for the cells that hold both easy and
 * hard problems, the gap = mean tokens of the hard problems' samples − mean tokens of the easy problems' samples.
 * Comparing problems of one family and level removes the level label (and the family) from the comparison: a
 * positive gap means the model wrote longer for the problems it itself fails more often among problems that carry
 * the same label.
 *
 * @param cells every (family, level) cell, keyed {@code family/L<level>}, in first-seen order
 */
public record WithinLevel(Map<String, Map<Bucket, Aggregate>> cells) {

    public WithinLevel {
        cells = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cells));
    }

    /** Groups the problems of {@code report} by cell and bucket (all three buckets present per cell, maybe empty). */
    public static WithinLevel of(EvalReport report) {
        Map<String, Map<Bucket, List<ProblemResult>>> groups = new LinkedHashMap<>();
        for (ProblemResult p : report.problems()) {
            groups.computeIfAbsent(p.family() + "/L" + p.level(), x -> emptyBuckets()).get(p.bucket()).add(p);
        }
        Map<String, Map<Bucket, Aggregate>> out = new LinkedHashMap<>();
        groups.forEach((cell, byBucket) -> {
            Map<Bucket, Aggregate> m = new EnumMap<>(Bucket.class);
            byBucket.forEach((b, list) -> m.put(b, Aggregate.of(list)));
            out.put(cell, m);
        });
        return new WithinLevel(out);
    }

    private static Map<Bucket, List<ProblemResult>> emptyBuckets() {
        Map<Bucket, List<ProblemResult>> m = new EnumMap<>(Bucket.class);
        for (Bucket b : Bucket.values()) {
            m.put(b, new ArrayList<>());
        }
        return m;
    }

    /**
     * A cell with both easy and hard problems.
     *
     * @param cell {@code family/L<level>}
     * @param easy the easy problems' samples
     * @param hard the hard problems' samples
     */
    public record Gap(String cell, Aggregate easy, Aggregate hard) {
        /** Mean tokens of hard minus mean tokens of easy. */
        public double tokens() {
            return hard.meanTokens() - easy.meanTokens();
        }
    }

    /** The cells that hold at least one easy and one hard problem, in cell order. */
    public List<Gap> gaps() {
        List<Gap> out = new ArrayList<>();
        cells.forEach((cell, m) -> {
            Aggregate e = m.get(Bucket.EASY);
            Aggregate h = m.get(Bucket.HARD);
            if (e.problems() > 0 && h.problems() > 0) {
                out.add(new Gap(cell, e, h));
            }
        });
        return out;
    }

    /** Number of {@link #gaps()} cells in which the hard problems got the longer responses. */
    public int cellsHardLonger() {
        return (int) gaps().stream().filter(g -> g.tokens() > 0).count();
    }

    /** Unweighted mean of the {@link #gaps()} in tokens, NaN when no cell has both buckets. */
    public double meanGap() {
        return gaps().stream().mapToDouble(Gap::tokens).average().orElse(Double.NaN);
    }

    /**
     * A plain-text table, one row per cell with both buckets: problems and mean tokens of easy, medium, hard, the gap,
     * then a summary line.
     */
    public String table() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-22s %14s %14s %14s %8s%n";
        sb.append(String.format(Locale.ROOT, fmt, "within level", "easy n/tok", "medium n/tok", "hard n/tok", "gap"));
        for (Gap g : gaps()) {
            Map<Bucket, Aggregate> m = cells.get(g.cell());
            sb.append(String.format(Locale.ROOT, fmt, g.cell(), cell(m.get(Bucket.EASY)), cell(m.get(Bucket.MEDIUM)),
                    cell(m.get(Bucket.HARD)), String.format(Locale.ROOT, "%+.1f", g.tokens())));
        }
        List<Gap> gaps = gaps();
        sb.append(gaps.isEmpty() ? "within level: no (family, level) cell has both easy and hard problems"
                : String.format(Locale.ROOT, "within level: hard longer than easy in %d of %d cells, mean gap %+.1f "
                        + "tokens", cellsHardLonger(), gaps.size(), meanGap()));
        return sb.append(System.lineSeparator()).toString();
    }

    private static String cell(Aggregate a) {
        return a.problems() == 0 ? "-" : String.format(Locale.ROOT, "%d/%.1f", a.problems(), a.meanTokens());
    }
}
