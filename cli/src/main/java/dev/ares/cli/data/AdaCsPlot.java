package dev.ares.cli.data;

import dev.ares.core.data.AdaCsReport;
import dev.ares.core.data.CsSelection;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The AdaCS chart: chosen response length against pass rate, for AdaCS and the CS-Vanilla ablation (one point per
 * selected problem, jittered sideways so brackets do not pile up), with the per-bracket means and the mean target
 * length L_target(p) as lines (aepo-spec.md §9).
 */
public final class AdaCsPlot {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private AdaCsPlot() {
    }

    /**
     * Writes the chart as a PNG.
     *
     * @param adaptive the AdaCS selection
     * @param vanilla  the CS-Vanilla selection (may be empty)
     * @param unit     length unit for the axis label, e.g. "tokens"
     * @param png      output file (parent folders are created)
     * @param width    pixels
     * @param height   pixels
     */
    public static void write(List<CsSelection> adaptive, List<CsSelection> vanilla, String unit, Path png, int width,
                             int height) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(points("AdaCS (each row)", adaptive, -0.012));
        data.addSeries(points("CS-Vanilla (each row)", vanilla, 0.012));
        XYSeries adaMean = new XYSeries("AdaCS mean", true, true);
        XYSeries target = new XYSeries("mean L_target(p)", true, true);
        for (AdaCsReport.BracketRow r : AdaCsReport.byBracket(adaptive)) {
            adaMean.add(r.passRate(), r.meanLength());
            target.add(r.passRate(), r.meanTarget());
        }
        XYSeries vanMean = new XYSeries("CS-Vanilla mean", true, true);
        for (AdaCsReport.BracketRow r : AdaCsReport.byBracket(vanilla)) {
            vanMean.add(r.passRate(), r.meanLength());
        }
        data.addSeries(adaMean);
        data.addSeries(vanMean);
        data.addSeries(target);

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        Color ada = new Color(31, 119, 180);
        Color van = new Color(255, 127, 14);
        Color[] colors = {new Color(31, 119, 180, 70), new Color(255, 127, 14, 70), ada, van, Color.DARK_GRAY};
        for (int s = 0; s < 5; s++) {
            renderer.setSeriesPaint(s, colors[s]);
            renderer.setSeriesLinesVisible(s, s >= 2);
            renderer.setSeriesShapesVisible(s, s < 4);
            renderer.setSeriesStroke(s, s == 4
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[]{6f, 4f}, 0f)
                    : new BasicStroke(2.5f));
        }
        NumberAxis x = new NumberAxis("pass rate p (fraction of k samples correct)");
        x.setRange(-0.05, 1.05);
        NumberAxis y = new NumberAxis("response length (" + unit + ")");
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("AdaCS: trace length against pass rate", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Path parent = png.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    }

    private static XYSeries points(String name, List<CsSelection> rows, double offset) {
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i < rows.size(); i++) {
            CsSelection r = rows.get(i);
            double jitter = offset + ((i * 37) % 11 - 5) * 0.002;
            s.add(r.item().passRate().value() + jitter, r.chosen().length());
        }
        return s;
    }
}
