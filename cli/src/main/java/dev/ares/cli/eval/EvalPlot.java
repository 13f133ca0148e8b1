package dev.ares.cli.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The chart of an evaluation with k &gt; 1 (issue 5: length against the model's measured difficulty): mean response
 * length against measured pass rate p = correct / k, one line per level (each point: the mean over the samples of
 * every problem of that level whose p has that value) and one line over all problems. A line per level shows the
 * relation with the level label held fixed ({@link WithinLevel} gives the numbers).
 */
public final class EvalPlot {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final Color[] LEVEL_COLORS = {new Color(44, 160, 44), new Color(31, 119, 180),
        new Color(255, 127, 14), new Color(214, 39, 40), new Color(148, 103, 189)};

    private EvalPlot() {
    }

    /**
     * Mean tokens per distinct pass rate of the given problems.
     *
     * @return pass rate → mean tokens over the samples of the problems with that pass rate, ascending p
     */
    static Map<Double, Double> meanTokensByPassRate(List<ProblemResult> problems) {
        Map<Double, long[]> acc = new TreeMap<>();
        for (ProblemResult p : problems) {
            long[] a = acc.computeIfAbsent(p.passRate(), x -> new long[2]);
            for (ProblemResult.GradedResponse g : p.samples()) {
                a[0] += g.tokens();
                a[1]++;
            }
        }
        Map<Double, Double> out = new TreeMap<>();
        acc.forEach((p, a) -> out.put(p, (double) a[0] / a[1]));
        return out;
    }

    /**
     * Writes the chart as a PNG.
     *
     * @param report an evaluation with k &gt; 1
     * @param png    output file (parent folders are created)
     * @throws IllegalArgumentException when the report has k = 1 (no pass rate was measured)
     */
    public static void write(EvalReport report, Path png, int width, int height) throws IOException {
        if (report.k() < 2) {
            throw new IllegalArgumentException("a length-against-pass-rate chart needs k > 1 samples per problem");
        }
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        Map<Integer, List<ProblemResult>> byLevel = new TreeMap<>();
        for (ProblemResult p : report.problems()) {
            byLevel.computeIfAbsent(p.level(), x -> new ArrayList<>()).add(p);
        }
        int s = 0;
        for (Map.Entry<Integer, List<ProblemResult>> e : byLevel.entrySet()) {
            data.addSeries(series("level " + e.getKey() + " (" + e.getValue().size() + " problems)", e.getValue()));
            renderer.setSeriesPaint(s, LEVEL_COLORS[(e.getKey() - 1) % LEVEL_COLORS.length]);
            renderer.setSeriesStroke(s, new BasicStroke(2f));
            s++;
        }
        data.addSeries(series("all levels (" + report.problems().size() + " problems)", report.problems()));
        renderer.setSeriesPaint(s, Color.DARK_GRAY);
        renderer.setSeriesStroke(s, new BasicStroke(3f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                new float[]{6f, 4f}, 0f));
        NumberAxis x = new NumberAxis("measured pass rate p (correct of k = " + report.k() + " samples)");
        x.setRange(-0.05, 1.05);
        NumberAxis y = new NumberAxis("mean response length (tokens)");
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("Response length against measured pass rate", JFreeChart.DEFAULT_TITLE_FONT,
                plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    }

    private static XYSeries series(String name, List<ProblemResult> problems) {
        XYSeries s = new XYSeries(name, true, false);
        meanTokensByPassRate(problems).forEach(s::add);
        return s;
    }
}
