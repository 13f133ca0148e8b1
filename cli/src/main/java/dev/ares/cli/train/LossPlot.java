package dev.ares.cli.train;

import dev.ares.model.train.SftTrainer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The SFT loss curve: per-step mean response-token cross-entropy (nats) and its exponential moving average against
 * the optimiser step, with the learning rate on a second axis. Written to a temporary file, then moved into place.
 */
public final class LossPlot {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Smoothing of the EMA line: {@code ema = a * ema + (1 - a) * loss}. */
    public static final double EMA = 0.9;

    private LossPlot() {
    }

    /** The exponential moving average of the step losses (the first value starts it). */
    public static double[] ema(List<SftTrainer.StepStats> history) {
        double[] out = new double[history.size()];
        double e = Double.NaN;
        for (int i = 0; i < out.length; i++) {
            double l = history.get(i).loss();
            e = i == 0 ? l : EMA * e + (1 - EMA) * l;
            out[i] = e;
        }
        return out;
    }

    /**
     * Writes the chart.
     *
     * @param history the steps, in order
     * @param title   chart title
     * @param png     output file
     */
    public static void write(List<SftTrainer.StepStats> history, String title, Path png, int width, int height)
            throws IOException {
        XYSeries raw = new XYSeries("loss per step", false, true);
        XYSeries smooth = new XYSeries("EMA (" + EMA + ")", false, true);
        XYSeries lr = new XYSeries("learning rate", false, true);
        double[] e = ema(history);
        for (int i = 0; i < history.size(); i++) {
            SftTrainer.StepStats s = history.get(i);
            raw.add(s.step(), s.loss());
            smooth.add(s.step(), e[i]);
            lr.add(s.step(), s.lr());
        }
        XYSeriesCollection losses = new XYSeriesCollection();
        losses.addSeries(raw);
        losses.addSeries(smooth);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, new Color(31, 119, 180, 90));
        r.setSeriesPaint(1, new Color(31, 119, 180));
        r.setSeriesStroke(0, new BasicStroke(1f));
        r.setSeriesStroke(1, new BasicStroke(2.5f));
        NumberAxis x = new NumberAxis("optimiser step");
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis("response-token cross-entropy (nats)");
        XYPlot plot = new XYPlot(losses, x, y, r);
        XYSeriesCollection lrData = new XYSeriesCollection(lr);
        NumberAxis lrAxis = new NumberAxis("learning rate");
        plot.setRangeAxis(1, lrAxis);
        plot.setDataset(1, lrData);
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer lrR = new XYLineAndShapeRenderer(true, false);
        lrR.setSeriesPaint(0, new Color(255, 127, 14));
        lrR.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                new float[] {6f, 4f}, 0f));
        plot.setRenderer(1, lrR);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Path target = png.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        ChartUtils.saveChartAsPNG(tmp.toFile(), chart, width, height);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
