package dev.ares.cli.demo;

import dev.ares.core.aepo.Bucket;
import dev.ares.core.protocol.TrainEvent;
import java.util.Locale;
import java.util.Map;

/**
 * The live progress display of {@code ./ares demo}: one line per learner step with the figures the issue asks
 * to watch (reward, accuracy and mean length per difficulty bucket, HWE rate, KL, tokens/s). In: a train event;
 * out: a fixed-width line (missing figures print as {@code -}). The metric names are the learner's
 * (docs/learner.md); {@link Names} lists the ones read here.
 */
public final class StepLine {
    /** Train-event metric names this display and the plots read. */
    public static final class Names {
        public static final String REWARD = "reward/mean";
        public static final String HWE_RATE = "hwe/rate";
        public static final String KL = "kl/mean";
        /** Response tokens the learner trained on per second of its optimizer step. */
        public static final String TOKENS_PER_S = "train/tokens_per_s";

        /** Accuracy of the step's groups in a bucket. */
        public static String accuracy(Bucket b) {
            return "accuracy/" + b.name().toLowerCase(Locale.ROOT);
        }

        /** Mean response length (tokens) in a bucket. */
        public static String length(Bucket b) {
            return "length/" + b.name().toLowerCase(Locale.ROOT);
        }

        private Names() {
        }
    }

    private StepLine() {
    }

    /** The header printed above the first step line. */
    public static String header() {
        return String.format(Locale.ROOT, "%-9s %7s  %-17s  %-17s %6s %8s %7s", "step", "reward", "acc easy/med/hard",
                "len easy/med/hard", "hwe", "kl", "tok/s");
    }

    /** One line for {@code e} of a run of {@code total} steps. */
    public static String format(TrainEvent e, int total) {
        Map<String, Double> m = e.metrics();
        StringBuilder acc = new StringBuilder();
        StringBuilder len = new StringBuilder();
        for (Bucket b : Bucket.values()) {
            if (b.ordinal() > 0) {
                acc.append('/');
                len.append('/');
            }
            acc.append(num(m.get(Names.accuracy(b)), "%.2f"));
            len.append(num(m.get(Names.length(b)), "%.0f"));
        }
        return String.format(Locale.ROOT, "%-9s %7s  %-17s  %-17s %6s %8s %7s", (e.step() + 1) + "/" + total,
                num(m.get(Names.REWARD), "%.3f"), acc, len, num(m.get(Names.HWE_RATE), "%.3f"),
                num(m.get(Names.KL), "%.4f"), num(m.get(Names.TOKENS_PER_S), "%.0f"));
    }

    private static String num(Double v, String fmt) {
        return v == null || !Double.isFinite(v) ? "-" : String.format(Locale.ROOT, fmt, v);
    }
}
