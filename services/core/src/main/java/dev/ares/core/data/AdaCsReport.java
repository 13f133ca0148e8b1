package dev.ares.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Summaries of AdaCS selections: length against pass rate per bracket, correlation, and a markdown report. */
public final class AdaCsReport {

    private AdaCsReport() {
    }

    /**
     * Per-bracket means of one selection.
     *
     * @param passRate      the bracket's pass rate p
     * @param count         selections in the bracket
     * @param meanTarget    mean L_target(p)
     * @param meanLength    mean chosen response length
     * @param meanVerbosity mean verbosity of the chosen responses (-1 entries excluded; NaN when none known)
     */
    public record BracketRow(double passRate, int count, double meanTarget, double meanLength, double meanVerbosity) {
    }

    /** Rows in ascending pass rate. */
    public static List<BracketRow> byBracket(List<CsSelection> rows) {
        TreeMap<Double, List<CsSelection>> g = new TreeMap<>();
        for (CsSelection s : rows) {
            g.computeIfAbsent(s.item().passRate().value(), p -> new ArrayList<>()).add(s);
        }
        List<BracketRow> out = new ArrayList<>();
        for (var e : g.entrySet()) {
            List<CsSelection> l = e.getValue();
            double t = l.stream().mapToDouble(CsSelection::targetLength).average().orElse(Double.NaN);
            double len = l.stream().mapToInt(s -> s.chosen().length()).average().orElse(Double.NaN);
            double verb = l.stream().mapToInt(s -> s.chosen().verbosity()).filter(v -> v >= 0).average().orElse(Double.NaN);
            out.add(new BracketRow(e.getKey(), l.size(), t, len, verb));
        }
        return out;
    }

    /** Pearson correlation of pass rate and chosen length over the selections (NaN if either is constant). */
    public static double correlation(List<CsSelection> rows) {
        int n = rows.size();
        double mx = 0;
        double my = 0;
        for (CsSelection s : rows) {
            mx += s.item().passRate().value();
            my += s.chosen().length();
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (CsSelection s : rows) {
            double dx = s.item().passRate().value() - mx;
            double dy = s.chosen().length() - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /**
     * A markdown report: the anchors per source, then one row per pass-rate bracket comparing AdaCS with CS-Vanilla.
     *
     * @param adaptive  the {@link AdaCs.Mode#ADAPTIVE} selection
     * @param vanilla   the {@link AdaCs.Mode#VANILLA} selection of the same pool
     * @param anchors   the anchors used
     * @param unit      the length unit, e.g. "tokens"
     */
    public static String markdown(List<CsSelection> adaptive, List<CsSelection> vanilla, Map<String, AdaCs.Anchors> anchors,
                                  String unit) {
        StringBuilder b = new StringBuilder();
        b.append("| source | p_low | L(p_low) | problems | p_high | L(p_high) | problems |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (AdaCs.Anchors a : anchors.values()) {
            b.append(String.format(Locale.ROOT, "| %s | %.3f | %.1f | %d | %.3f | %.1f | %d |%n", a.source(), a.pLow(),
                    a.lengthLow(), a.problemsLow(), a.pHigh(), a.lengthHigh(), a.problemsHigh()));
        }
        b.append('\n');
        b.append("| pass rate p | n | mean L_target (").append(unit).append(") | AdaCS mean length | AdaCS mean verbosity"
                + " | CS-Vanilla mean length | CS-Vanilla mean verbosity |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<Double, BracketRow> van = new TreeMap<>();
        for (BracketRow r : byBracket(vanilla)) {
            van.put(r.passRate(), r);
        }
        for (BracketRow r : byBracket(adaptive)) {
            BracketRow v = van.get(r.passRate());
            b.append(String.format(Locale.ROOT, "| %.3f | %d | %.1f | %.1f | %.2f | %s | %s |%n", r.passRate(), r.count(),
                    r.meanTarget(), r.meanLength(), r.meanVerbosity(),
                    v == null ? "-" : String.format(Locale.ROOT, "%.1f", v.meanLength()),
                    v == null ? "-" : String.format(Locale.ROOT, "%.2f", v.meanVerbosity())));
        }
        b.append(String.format(Locale.ROOT, "%nPearson r(p, length): AdaCS %.3f, CS-Vanilla %.3f (%d and %d rows).%n",
                correlation(adaptive), correlation(vanilla), adaptive.size(), vanilla.size()));
        return b.toString();
    }
}
