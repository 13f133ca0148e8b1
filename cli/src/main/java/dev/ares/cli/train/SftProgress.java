package dev.ares.cli.train;

import dev.ares.model.train.SftTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The progress display of {@code ./ares sft} on stderr: step, loss (and its moving average), learning rate, tokens
 * per second, elapsed time and ETA. On a terminal one line is rewritten in place ({@code \r}); otherwise (a log
 * file, CI) a full line is printed every {@code interval} steps and at the end, so logs stay readable.
 */
public final class SftProgress implements SftTrainer.Listener {
    private final PrintWriter err;
    private final boolean terminal;
    private final int interval;
    private final long startNanos = System.nanoTime();
    private int firstStep = 1;
    private double ema = Double.NaN;
    private long tokens;
    private String lastLine = "";

    /**
     * @param err      where to print
     * @param terminal rewrite one line in place
     * @param interval steps between printed lines when not on a terminal, {@code >= 1}
     */
    public SftProgress(PrintWriter err, boolean terminal, int interval) {
        this.err = err;
        this.terminal = terminal;
        this.interval = Math.max(1, interval);
    }

    @Override
    public void onStart(int first, int totalSteps, boolean resumed) {
        firstStep = first;
        if (resumed) {
            line("sft: resuming at step " + first + " of " + totalSteps, true);
        }
    }

    @Override
    public void onStep(SftTrainer.StepStats s, int totalSteps) {
        ema = Double.isNaN(ema) ? s.loss() : LossPlot.EMA * ema + (1 - LossPlot.EMA) * s.loss();
        tokens += s.tokens();
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        int done = s.step() - firstStep + 1;
        double eta = elapsed / done * (totalSteps - s.step());
        int width = 24;
        int filled = (int) Math.round(width * (double) s.step() / totalSteps);
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        String text = String.format(Locale.ROOT,
                "sft [%s] %d/%d  loss %.4f (avg %.4f)  lr %.2e  |g| %.2f  %.0f tok/s  %s elapsed  ETA %s",
                bar, s.step(), totalSteps, s.loss(), ema, s.lr(), s.gradNorm(), tokens / Math.max(elapsed, 1e-9),
                clock(elapsed), clock(eta));
        boolean last = s.step() == totalSteps;
        if (terminal) {
            line(text, last);
        } else if (s.step() % interval == 0 || last || done == 1) {
            line(text, true);
        }
    }

    @Override
    public void onCheckpoint(int step, Path directory) {
        if (!terminal) {
            line("sft: checkpoint " + directory, true);
        }
    }

    /** Ends a line being rewritten in place (call before printing anything else). */
    public void finish() {
        if (terminal && !lastLine.isEmpty()) {
            err.println();
            err.flush();
            lastLine = "";
        }
    }

    private void line(String text, boolean newline) {
        if (terminal) {
            String pad = text.length() < lastLine.length() ? " ".repeat(lastLine.length() - text.length()) : "";
            err.print("\r" + text + pad);
            lastLine = newline ? "" : text;
            if (newline) {
                err.println();
            }
        } else {
            err.println(text);
        }
        err.flush();
    }

    /** Seconds as {@code h:mm:ss} or {@code m:ss}. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
