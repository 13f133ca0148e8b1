package dev.ares.cli.experiment;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

/**
 * Aggregates the runs of the AEPO-vs-GRPO experiment (issue 6 item 6) over seeds: mean and sample standard
 * deviation of held-out accuracy and mean length per mode and difficulty bucket, the differences of each AEPO mode
 * to GRPO, a plain-words verdict on the paper's direction (shorter on easy, more accurate on hard), and two bar
 * charts with error bars. In: the stored {@link RunResult}s. Out: markdown text and PNG files.
 */
public final class ExperimentReport {
    /** Buckets in display order. */
    public static final List<String> BUCKETS = List.of("easy", "medium", "hard");

    /** Mean and sample standard deviation of one figure over seeds. */
    public record Stat(double mean, double sd, int n) {
        static Stat of(List<Double> xs) {
            List<Double> v = xs.stream().filter(Double::isFinite).toList();
            if (v.isEmpty()) {
                return new Stat(Double.NaN, Double.NaN, 0);
            }
            double m = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = v.stream().mapToDouble(x -> (x - m) * (x - m)).sum();
            return new Stat(m, v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0.0, v.size());
        }

        String show(String fmt) {
            if (n == 0) {
                return "-";
            }
            return String.format(Locale.ROOT, fmt, mean) + " ± " + String.format(Locale.ROOT, fmt, sd);
        }
    }

    private final Map<String, List<RunResult>> byMode = new LinkedHashMap<>();

    /** @param runs the stored runs; grouped by mode in first-seen order */
    public ExperimentReport(List<RunResult> runs) {
        for (RunResult r : runs) {
            byMode.computeIfAbsent(r.mode(), k -> new ArrayList<>()).add(r);
        }
    }

    /** The modes present. */
    public List<String> modes() {
        return List.copyOf(byMode.keySet());
    }

    /** Accuracy of {@code mode} in {@code bucket} over its seeds. */
    public Stat accuracy(String mode, String bucket) {
        return stat(mode, bucket, RunResult.Cell::accuracy);
    }

    /** Mean response length of {@code mode} in {@code bucket} over its seeds. */
    public Stat length(String mode, String bucket) {
        return stat(mode, bucket, RunResult.Cell::meanLength);
    }

    private Stat stat(String mode, String bucket, ToDoubleFunction<RunResult.Cell> f) {
        List<Double> xs = new ArrayList<>();
        for (RunResult r : byMode.getOrDefault(mode, List.of())) {
            RunResult.Cell c = r.byBucket().get(bucket);
            xs.add(c == null || c.samples() == 0 ? Double.NaN : f.applyAsDouble(c));
        }
        return Stat.of(xs);
    }

    /** The markdown tables: accuracy and length per mode and bucket, then the differences to GRPO. */
    public String tables() {
        StringBuilder s = new StringBuilder();
        s.append("| mode | seeds | accuracy easy | accuracy medium | accuracy hard | length easy | length medium | length hard |\n");
        s.append("|---|---|---|---|---|---|---|---|\n");
        for (String m : modes()) {
            s.append("| ").append(m).append(" | ").append(byMode.get(m).size());
            for (String b : BUCKETS) {
                s.append(" | ").append(accuracy(m, b).show("%.3f"));
            }
            for (String b : BUCKETS) {
                s.append(" | ").append(length(m, b).show("%.1f"));
            }
            s.append(" |\n");
        }
        if (byMode.containsKey("grpo")) {
            s.append("\nDifference to GRPO (mean over seeds; accuracy in points, length in tokens and percent):\n\n");
            s.append("| mode | Δ accuracy easy | Δ accuracy medium | Δ accuracy hard | Δ length easy | Δ length medium | Δ length hard |\n");
            s.append("|---|---|---|---|---|---|---|\n");
            for (String m : modes()) {
                if (m.equals("grpo")) {
                    continue;
                }
                s.append("| ").append(m);
                for (String b : BUCKETS) {
                    s.append(" | ").append(signed(100 * (accuracy(m, b).mean() - accuracy("grpo", b).mean()), "%+.1f"));
                }
                for (String b : BUCKETS) {
                    double d = length(m, b).mean() - length("grpo", b).mean();
                    double pct = 100 * d / length("grpo", b).mean();
                    s.append(" | ").append(signed(d, "%+.1f")).append(" (").append(signed(pct, "%+.0f")).append("%)");
                }
                s.append(" |\n");
            }
        }
        return s.toString();
    }

    /**
     * The verdict on the paper's direction for one AEPO mode against GRPO: shorter responses on easy problems and
     * higher accuracy on hard ones, each judged against the seed-to-seed spread (a difference inside one pooled
     * standard deviation is reported as not distinguishable).
     */
    public String verdict(String mode) {
        if (!byMode.containsKey(mode) || !byMode.containsKey("grpo")) {
            return mode + ": no comparison (runs missing)";
        }
        Stat le = length(mode, "easy");
        Stat lg = length("grpo", "easy");
        Stat ah = accuracy(mode, "hard");
        Stat ag = accuracy("grpo", "hard");
        double dl = le.mean() - lg.mean();
        double da = ah.mean() - ag.mean();
        String shorter = judge(dl < 0, Math.abs(dl), pooled(le, lg), String.format(Locale.ROOT,
                "easy-bucket length %.1f vs %.1f tokens (%+.1f, %+.0f%%)", le.mean(), lg.mean(), dl, 100 * dl / lg.mean()));
        String accurate = judge(da > 0, Math.abs(da), pooled(ah, ag), String.format(Locale.ROOT,
                "hard-bucket accuracy %.3f vs %.3f (%+.1f points)", ah.mean(), ag.mean(), 100 * da));
        return mode + " vs grpo — shorter on easy: " + shorter + "; more accurate on hard: " + accurate + ".";
    }

    private static String judge(boolean rightDirection, double size, double spread, String figures) {
        if (!Double.isFinite(size)) {
            return "not measurable (" + figures + ")";
        }
        if (size <= spread) {
            return "not distinguishable from seed noise (" + figures + ", seed sd " + String.format(Locale.ROOT, "%.3g", spread) + ")";
        }
        return (rightDirection ? "yes" : "no, the opposite") + " (" + figures + ")";
    }

    private static double pooled(Stat a, Stat b) {
        return Math.sqrt((a.sd() * a.sd() + b.sd() * b.sd()) / 2);
    }

    private static String signed(double v, String fmt) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "-";
    }

    /** Writes {@code accuracy-by-bucket.png} and {@code length-by-bucket.png} (means with ± sd error bars). */
    public List<Path> charts(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path acc = chart(dir.resolve("accuracy-by-bucket.png"), "Held-out accuracy by difficulty bucket", "accuracy",
                this::accuracy);
        Path len = chart(dir.resolve("length-by-bucket.png"), "Held-out mean response length by difficulty bucket",
                "tokens", this::length);
        return List.of(acc, len);
    }

    private interface StatOf {
        Stat of(String mode, String bucket);
    }

    private Path chart(Path png, String title, String yLabel, StatOf f) throws IOException {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        for (String m : modes()) {
            for (String b : BUCKETS) {
                Stat s = f.of(m, b);
                data.add(s.n() == 0 ? null : s.mean(), s.n() == 0 ? null : s.sd(), m, b);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "bucket (cold-start pass rate)", yLabel, data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        StatisticalBarRenderer r = new StatisticalBarRenderer();
        r.setErrorIndicatorPaint(Color.BLACK);
        Color[] colors = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728)};
        for (int i = 0; i < modes().size(); i++) {
            r.setSeriesPaint(i, colors[i % colors.length]);
        }
        plot.setRenderer(r);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 760, 400);
        return png;
    }
}
