package dev.ares.cli.demo;

import dev.ares.cli.eval.Aggregate;
import dev.ares.cli.eval.EvalReport;
import dev.ares.core.aepo.Bucket;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.TrainEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes what a demo run leaves behind in its report directory: the train events as JSON lines
 * ({@code train-events.jsonl}, for replotting), one PNG per training curve and {@code report.html} with the
 * held-out evaluation tables and every chart. In: the run's events, the evaluation and the final checkpoint.
 * Out: the path of the HTML page.
 */
final class DemoReport {
    private DemoReport() {
    }

    static List<DemoPlots.Panel> panels() {
        List<DemoPlots.Series> acc = new ArrayList<>();
        List<DemoPlots.Series> len = new ArrayList<>();
        for (Bucket b : Bucket.values()) {
            String label = b.name().toLowerCase(Locale.ROOT);
            acc.add(new DemoPlots.Series(label, StepLine.Names.accuracy(b)));
            len.add(new DemoPlots.Series(label, StepLine.Names.length(b)));
        }
        return List.of(
                new DemoPlots.Panel("reward", "Mean reward per step", "reward",
                        List.of(new DemoPlots.Series("reward", StepLine.Names.REWARD))),
                new DemoPlots.Panel("accuracy", "Rollout accuracy per difficulty bucket", "accuracy", acc),
                new DemoPlots.Panel("length", "Mean response length per difficulty bucket", "tokens", len),
                new DemoPlots.Panel("hwe", "High-window-entropy rate", "HWE events per token",
                        List.of(new DemoPlots.Series("hwe rate", StepLine.Names.HWE_RATE))),
                new DemoPlots.Panel("kl", "KL to the reference policy", "KL (k3, mean per token)",
                        List.of(new DemoPlots.Series("kl", StepLine.Names.KL))),
                new DemoPlots.Panel("throughput", "Learner throughput", "trained tokens/s",
                        List.of(new DemoPlots.Series("tokens/s", StepLine.Names.TOKENS_PER_S))));
    }

    static Path write(Path dir, String runId, String mode, DemoPreset preset, List<TrainEvent> events, EvalReport eval,
                      Path coldStart, CheckpointEvent checkpoint) throws IOException {
        List<Path> charts = eventsAndCharts(dir, events);

        Map<String, List<List<String>>> tables = new LinkedHashMap<>();
        List<List<String>> byBucket = new ArrayList<>();
        byBucket.add(List.of("bucket (measured pass rate)", "problems", "samples", "accuracy", "mean length (tokens)"));
        Map<Bucket, Aggregate> buckets = eval.byBucket();
        for (Bucket b : Bucket.values()) {
            Aggregate a = buckets.get(b);
            byBucket.add(a == null ? List.of(b.name().toLowerCase(Locale.ROOT), "0", "0", "-", "-")
                    : row(b.name().toLowerCase(Locale.ROOT), a));
        }
        tables.put("Held-out evaluation of v" + checkpoint.version() + " by difficulty bucket", byBucket);
        List<List<String>> byLevel = new ArrayList<>();
        byLevel.add(List.of("family / level", "problems", "samples", "accuracy", "mean length (tokens)"));
        eval.byFamilyLevel().forEach((k, a) -> byLevel.add(row(k, a)));
        tables.put("Held-out evaluation by family and level", byLevel);
        tables.put("Run", runSettings(runId, mode, preset, events, coldStart, checkpoint, true));
        return DemoPlots.html("ARES demo " + runId, List.of("AdaCS cold start, then AEPO over Kafka with the four "
                + "services; the held-out evaluation ran through the inference service's /v1/chat/completions with "
                + eval.k() + " samples per problem (temperature 1), bucketed by the measured pass rate."), tables, charts, dir);
    }

    /**
     * The report of {@code ./ares demo --multimodal}: train events (JSONL), the step charts, and a table of the
     * held-out bar-chart accuracy of the cold start and of the final checkpoint, in one {@code report.html}.
     */
    static Path writeMultimodal(Path dir, String runId, String mode, DemoPreset preset, List<TrainEvent> events,
                                MultimodalDemo.Measured before, MultimodalDemo.Measured after, Path coldStart,
                                CheckpointEvent checkpoint) throws IOException {
        List<Path> charts = eventsAndCharts(dir, events);
        Map<String, List<List<String>>> tables = new LinkedHashMap<>();
        List<List<String>> acc = new ArrayList<>();
        acc.add(List.of("policy", "held-out problems", "greedy accuracy", "chance"));
        acc.add(List.of("cold start " + coldStart.getFileName(), Integer.toString(before.problems()),
                String.format(Locale.ROOT, "%.3f", before.accuracy()), "0.25"));
        acc.add(List.of("after AEPO, v" + checkpoint.version(), Integer.toString(after.problems()),
                String.format(Locale.ROOT, "%.3f", after.accuracy()), "0.25"));
        tables.put("Which of four bars is tallest (bar_chart level 1, held-out)", acc);
        tables.put("Run", runSettings(runId, mode, preset, events, coldStart, checkpoint, false));
        return DemoPlots.html("ARES multimodal demo " + runId, List.of("Image cold start (./ares sft --modality image), "
                + "then AEPO on level-1 bar charts over Kafka with the four services (vision tower frozen; images as "
                + "blob references); accuracies measured by ./ares eval, greedy."), tables, charts, dir);
    }

    /** Writes {@code train-events.jsonl} and one chart per panel into {@code dir}; returns the charts. */
    private static List<Path> eventsAndCharts(Path dir, List<TrainEvent> events) throws IOException {
        Files.createDirectories(dir);
        StringBuilder jsonl = new StringBuilder();
        for (TrainEvent e : events) {
            jsonl.append(new String(Codecs.trainEvent().encode(e), StandardCharsets.UTF_8)).append('\n');
        }
        Files.writeString(dir.resolve("train-events.jsonl"), jsonl);
        return DemoPlots.charts(events, panels(), dir);
    }

    /** The "Run" table of a report (header row first). */
    private static List<List<String>> runSettings(String runId, String mode, DemoPreset preset, List<TrainEvent> events,
                                                  Path coldStart, CheckpointEvent checkpoint, boolean withPreset) {
        List<List<String>> settings = new ArrayList<>();
        settings.add(List.of("setting", "value"));
        settings.add(List.of("run", runId));
        settings.add(List.of("mode", mode));
        if (withPreset) {
            settings.add(List.of("preset", preset.name()));
        }
        settings.add(List.of("steps", Integer.toString(events.size())));
        settings.add(List.of("groups x n per step", preset.groupsPerStep() + " x " + preset.n()));
        settings.add(List.of("max new tokens", Integer.toString(preset.maxNewTokens())));
        settings.add(List.of("cold start", coldStart.toString()));
        settings.add(List.of("final checkpoint", "v" + checkpoint.version() + " " + checkpoint.uri()));
        return settings;
    }

    private static List<String> row(String label, Aggregate a) {
        return List.of(label, Integer.toString(a.problems()), Integer.toString(a.samples()),
                String.format(Locale.ROOT, "%.3f", a.accuracy()), String.format(Locale.ROOT, "%.1f", a.meanTokens()));
    }
}
