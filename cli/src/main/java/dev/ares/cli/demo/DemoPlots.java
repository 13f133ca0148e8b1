package dev.ares.cli.demo;

import dev.ares.core.protocol.TrainEvent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The demo's pictures: one PNG line chart per panel (metric over learner step, one line per series) and one
 * self-contained HTML page with every chart embedded and the tables the caller passes. In: the run's train
 * events and the panels to draw. Out: files in the output directory ({@code <panel id>.png}, {@code report.html}).
 */
public final class DemoPlots {

    /** One line of a chart: a label and the train-event metric it plots. */
    public record Series(String label, String metric) {
    }

    /** One chart. */
    public record Panel(String id, String title, String yLabel, List<Series> series) {
    }

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd)};

    private DemoPlots() {
    }

    /**
     * Writes one PNG per panel; a series whose metric no event carries is left out (a panel with no data at all
     * still gets a chart, saying so in its title).
     *
     * @return the written files, in panel order
     */
    public static List<Path> charts(List<TrainEvent> steps, List<Panel> panels, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        List<Path> files = new ArrayList<>();
        for (Panel panel : panels) {
            XYSeriesCollection data = new XYSeriesCollection();
            for (Series s : panel.series()) {
                XYSeries xy = new XYSeries(s.label());
                for (TrainEvent e : steps) {
                    Double v = e.metrics().get(s.metric());
                    if (v != null && Double.isFinite(v)) {
                        xy.add(e.step(), v);
                    }
                }
                if (xy.getItemCount() > 0) {
                    data.addSeries(xy);
                }
            }
            String title = data.getSeriesCount() == 0 ? panel.title() + " (no data)" : panel.title();
            JFreeChart chart = ChartFactory.createXYLineChart(title, "learner step", panel.yLabel(), data,
                    PlotOrientation.VERTICAL, true, false, false);
            XYPlot plot = chart.getXYPlot();
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
            for (int i = 0; i < data.getSeriesCount(); i++) {
                r.setSeriesPaint(i, COLORS[i % COLORS.length]);
                r.setSeriesStroke(i, new BasicStroke(2f));
            }
            plot.setRenderer(r);
            Path png = outDir.resolve(panel.id() + ".png");
            ChartUtils.saveChartAsPNG(png.toFile(), chart, 720, 360);
            files.add(png);
        }
        return files;
    }

    /**
     * Writes {@code report.html}: a title, the given tables (caption to rows, first row the header) and every
     * chart embedded as a data URL, so the page is one file that can be mailed or attached to a ticket.
     */
    public static Path html(String title, List<String> notes, Map<String, List<List<String>>> tables, List<Path> charts,
                            Path outDir) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1500px;margin:1em auto;padding:0 1em}"
                        + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;"
                        + "text-align:right}th{background:#f4f4f4}img{margin:.3em;border:1px solid #eee}</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        for (String n : notes) {
            h.append("<p>").append(esc(n)).append("</p>\n");
        }
        for (Map.Entry<String, List<List<String>>> t : tables.entrySet()) {
            h.append("<h2>").append(esc(t.getKey())).append("</h2>\n<table>\n");
            boolean header = true;
            for (List<String> row : t.getValue()) {
                h.append("<tr>");
                for (String cell : row) {
                    h.append(header ? "<th>" : "<td>").append(esc(cell)).append(header ? "</th>" : "</td>");
                }
                h.append("</tr>\n");
                header = false;
            }
            h.append("</table>\n");
        }
        h.append("<h2>Training curves</h2>\n");
        for (Path png : charts) {
            h.append("<img alt=\"").append(esc(png.getFileName().toString())).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(Files.readAllBytes(png))).append("\">\n");
        }
        h.append("</body></html>\n");
        Path out = outDir.resolve("report.html");
        Files.writeString(out, h);
        return out;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
