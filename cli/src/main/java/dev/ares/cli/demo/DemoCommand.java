package dev.ares.cli.demo;

import dev.ares.cli.eval.EvalReport;
import dev.ares.cli.eval.Evaluator;
import dev.ares.cli.eval.HttpChatSampler;
import dev.ares.cli.stack.LocalStack;
import dev.ares.cli.stack.PidFile;
import dev.ares.cli.stack.RunDir;
import dev.ares.cli.stack.ServiceLauncher;
import dev.ares.cli.stack.ServiceSpec;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./ares demo}: the whole ARES loop on this machine. Starts the local broker, the topics and the four
 * services; runs (or reuses) the AdaCS cold start; lets the learner run AEPO steps over Kafka while a live
 * display follows {@code ares.train.events}; waits until the inference service serves the final checkpoint;
 * evaluates it on held-out problems through the inference API; writes plots (PNG and one HTML page); and prints
 * as its last line one JSON object with {@code steps}, {@code checkpoint_version}, {@code accuracy_by_bucket},
 * {@code mean_length_by_bucket} and {@code inference_url}. The services keep running ({@code ./ares down}
 * stops them). Design and measurements: docs/demo.md.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Cold start + AEPO over Kafka with the four services, live progress, plots; leaves inference serving.")
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "The ~4-minute preset (fewer, smaller steps and a smaller evaluation).")
    boolean quick;

    @Option(names = "--steps", description = "AEPO learner steps (default: 6 with --quick, else 30).")
    Integer steps;

    @Option(names = "--mode", defaultValue = "hwe-branch",
            description = "iid (the official code's sampling), hwe-branch (branch at HWE triggers) or grpo (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the run (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--base-port", defaultValue = "8080",
            description = "Port of inference-service; rollout, reward and learner use the next three (default ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--fresh-cold-start", description = "Train the cold start again even when a cached one exists.")
    boolean freshColdStart;

    @Option(names = "--step-timeout", defaultValue = "300",
            description = "Seconds without a new learner step before the demo gives up (default ${DEFAULT-VALUE}).")
    int stepTimeoutSeconds;

    @Option(names = "--multimodal", description = "The image demo instead: a tiny Qwen2.5-VL trained on bar charts "
            + "(./ares sft --modality image), then ./ares eval on held-out 'which bar is tallest' (docs/vision.md).")
    boolean multimodal;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        if (multimodal) {
            return multimodalDemo(t0);
        }
        DemoPreset preset = preset();
        PrintWriter out = spec.commandLine().getOut();
        RunDir run = RunDir.current().create();
        stopPreviousServices(run, out);
        String runId = newRunId("demo-");
        Path runRoot = run.root().resolve("runs").resolve(runId);
        Path reportDir = runRoot.resolve("report");
        Files.createDirectories(reportDir);

        say(out, t0, "cold start (AdaCS traces + SFT) ...");
        Path coldStart = ColdStart.ensure(run.repoRoot(), quick, seed, freshColdStart, line -> say(out, t0, line));
        say(out, t0, "cold start: " + coldStart);

        say(out, t0, "starting broker, topics and the four services ...");
        Trained trained = trainOnStack(run, runId, runRoot, coldStart, preset, learnerProps(preset, runId, coldStart),
                "", out, t0);
        List<TrainEvent> events = trained.events();
        CheckpointEvent finalCheckpoint = trained.checkpoint();
        String inference = trained.inference();
        String model = trained.model();

        List<Problem> problems = Evaluator.draw(preset.evalFamilies(), List.of(1, 2, 3, 4, 5), Split.HELDOUT,
                preset.evalPerLevel(), seed);
        say(out, t0, "held-out evaluation through the inference API: " + problems.size() + " problems x "
                + preset.evalK() + " samples ...");
        HttpChatSampler sampler = new HttpChatSampler(inference, model, 1.0, preset.maxNewTokens(), Duration.ofMinutes(2));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("checkpoint_version", finalCheckpoint.version());
        EvalReport report = Evaluator.run(problems, sampler, PromptFormat.BARE, preset.evalK(), seed + 7919, settings,
                List.of());
        if (sampler.lastPolicyVersion() != finalCheckpoint.version()) {
            throw new IllegalStateException("the inference service switched away from v" + finalCheckpoint.version()
                    + " during the evaluation (it reported v" + sampler.lastPolicyVersion() + ")");
        }

        Path html = DemoReport.write(reportDir, runId, mode, preset, events, report, coldStart, finalCheckpoint);
        out.print(report.table());
        say(out, t0, "plots and report: " + html);
        say(out, t0, "inference endpoint: " + inference + "/v1/chat/completions (model " + model + "); stop with ./ares down");
        out.println(DemoSummary.json(events.size(), finalCheckpoint.version(), report, inference));
        out.flush();
        return 0;
    }

    /**
     * {@code --multimodal}: the image cold start (stage 1) and its held-out accuracy, then AEPO steps on level-1 bar
     * charts through the broker and the four services with the vision tower frozen, then the final checkpoint's
     * held-out accuracy, with the inference service left serving it (it accepts {@code image_url} parts).
     */
    private int multimodalDemo(long t0) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DemoPreset preset = preset();
        RunDir run = RunDir.current().create();
        stopPreviousServices(run, out);
        String runId = newRunId("demo-multimodal-");
        Path runRoot = run.root().resolve("runs").resolve(runId);
        Path reportDir = runRoot.resolve("report");
        Files.createDirectories(reportDir);
        java.util.function.Consumer<String> log = line -> say(out, t0, line);

        Path coldStart = MultimodalDemo.coldStart(run.repoRoot(), seed, freshColdStart, log);
        Path beforeJson = reportDir.resolve("eval-cold-start.json");
        MultimodalDemo.Measured before = MultimodalDemo.evaluate(coldStart, beforeJson, seed, log);

        say(out, t0, "starting broker, topics and the four services on the vision-language cold start ...");
        Map<String, String> learner = learnerProps(preset, runId, coldStart);
        learner.put("ares.learner.max-level", "1");
        learner.put("ares.learner.vision", "frozen");
        learner.put("ares.learner.lr", "2e-5");
        Trained trained = trainOnStack(run, runId, runRoot, coldStart, preset, learner,
                " on level-1 bar charts, vision tower frozen", out, t0);
        List<TrainEvent> events = trained.events();
        CheckpointEvent finalCheckpoint = trained.checkpoint();
        String inference = trained.inference();
        String model = trained.model();

        Path afterJson = reportDir.resolve("eval-final.json");
        MultimodalDemo.Measured after = MultimodalDemo.evaluate(Path.of(java.net.URI.create(finalCheckpoint.uri())),
                afterJson, seed, log);
        Path html = DemoReport.writeMultimodal(reportDir, runId, mode, preset, events, before, after, coldStart,
                finalCheckpoint);
        say(out, t0, "plots: " + html);
        say(out, t0, "inference endpoint: " + inference + "/v1/chat/completions (model " + model + "); stop with ./ares down");
        out.println(MultimodalDemo.summary(before, after, events.size(), finalCheckpoint.version(), beforeJson, afterJson,
                inference));
        out.flush();
        return 0;
    }

    /** What a finished run left: its step events, the final checkpoint, and the inference service serving it. */
    private record Trained(List<TrainEvent> events, CheckpointEvent checkpoint, String inference, String model) {
    }

    /**
     * Starts the broker, topics and four services on {@code coldStart}, follows the learner's steps with the live
     * display until {@code preset.steps()}, waits for the final checkpoint's announcement and for the inference
     * service to serve it.
     */
    private Trained trainOnStack(RunDir run, String runId, Path runRoot, Path coldStart, DemoPreset preset,
                                 Map<String, String> learner, String what, PrintWriter out, long t0) throws Exception {
        LocalStack.Urls urls = LocalStack.start(run, basePort, kafkaPort, commonProps(run, runRoot, coldStart),
                Map.of("learner-service", learner,
                        "reward-service", Map.of("ares.reward.mode", mode.equals("grpo") ? "grpo" : "code")),
                Duration.ofSeconds(180));
        urls.services().forEach((name, url) -> say(out, t0, String.format("%-18s %s", name, url)));
        say(out, t0, "run " + runId + ": " + preset.steps() + " AEPO steps (" + mode + ")" + what + ", "
                + preset.groupsPerStep() + " groups x " + preset.n() + " per step");
        List<TrainEvent> events;
        CheckpointEvent finalCheckpoint;
        try (RunWatcher watch = new RunWatcher(urls.bootstrap(), runId)) {
            events = follow(watch, preset, run, out);
            finalCheckpoint = awaitCheckpoint(watch, finalVersion(events), run);
        }
        say(out, t0, "final checkpoint v" + finalCheckpoint.version() + " (step " + finalCheckpoint.step() + ")");
        String inference = urls.of("inference-service");
        String model = DemoHttp.servedModel(inference);
        DemoHttp.awaitVersion(inference, model, finalCheckpoint.version(), Duration.ofSeconds(120));
        say(out, t0, "inference serves v" + finalCheckpoint.version() + " at " + inference);
        return new Trained(events, finalCheckpoint, inference, model);
    }

    private static String newRunId(String prefix) {
        return prefix + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    }

    /** The preset of this invocation ({@code --multimodal}, {@code --quick} or the default) after the flag checks. */
    private DemoPreset preset() {
        if (!List.of("iid", "hwe-branch", "grpo").contains(mode)) {
            throw new ParameterException(spec.commandLine(), "--mode must be iid, hwe-branch or grpo, got '" + mode + "'");
        }
        DemoPreset p = multimodal ? DemoPreset.multimodal() : quick ? DemoPreset.quick() : DemoPreset.full();
        if (steps != null) {
            if (steps < 1) {
                throw new ParameterException(spec.commandLine(), "--steps must be >= 1, got " + steps);
            }
            p = p.withSteps(steps);
        }
        if (stepTimeoutSeconds < 10) {
            throw new ParameterException(spec.commandLine(), "--step-timeout must be >= 10 s, got " + stepTimeoutSeconds);
        }
        return p;
    }

    private static Map<String, String> commonProps(RunDir run, Path runRoot, Path coldStart) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ares.checkpoints.root", runRoot.resolve("checkpoints").toString());
        p.put("ares.blobs.root", run.blobs().toString());
        p.put("ares.model.dir", coldStart.toString());
        return p;
    }

    private Map<String, String> learnerProps(DemoPreset preset, String runId, Path coldStart) {
        // mutable: the multimodal demo adds its keys
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ares.learner.run-id", runId);
        p.put("ares.learner.model-dir", coldStart.toString());
        p.put("ares.learner.families", String.join(",", preset.evalFamilies()));
        p.put("ares.learner.mode", mode);
        p.put("ares.learner.max-steps", Integer.toString(preset.steps()));
        p.put("ares.learner.groups-per-step", Integer.toString(preset.groupsPerStep()));
        p.put("ares.learner.n", Integer.toString(preset.n()));
        p.put("ares.learner.max-new-tokens", Integer.toString(preset.maxNewTokens()));
        p.put("ares.learner.checkpoint-every", "1");
        p.put("ares.learner.lr", "1e-4");
        p.put("ares.learner.seed", Long.toString(seed));
        p.put("ares.learner.prompt-format", "bare");
        p.put("ares.learner.schedule-every", "250ms");
        return p;
    }

    /** Stops services left running by an earlier up or demo (the broker is reused). */
    private static void stopPreviousServices(RunDir run, PrintWriter out) {
        ServiceLauncher launcher = new ServiceLauncher(run);
        for (ServiceSpec s : ServiceSpec.ALL) {
            PidFile pid = launcher.pidFile(s);
            if (pid.process().isPresent()) {
                out.println("demo: stopping " + s.name() + " of the previous run");
                pid.stop(Duration.ofSeconds(20));
            }
        }
    }

    /** Prints every new step until the run has {@code preset.steps()} of them; fails when a service dies or stalls. */
    private List<TrainEvent> follow(RunWatcher watch, DemoPreset preset, RunDir run, PrintWriter out) {
        out.println(StepLine.header());
        out.flush();
        long lastProgress = System.nanoTime();
        int seen = 0;
        while (watch.steps().size() < preset.steps()) {
            watch.poll(Duration.ofSeconds(1), e -> {
                out.println(StepLine.format(e, preset.steps()));
                out.flush();
            });
            if (watch.steps().size() > seen) {
                seen = watch.steps().size();
                lastProgress = System.nanoTime();
            }
            requireServicesAlive(run);
            if (System.nanoTime() - lastProgress > Duration.ofSeconds(stepTimeoutSeconds).toNanos()) {
                throw new IllegalStateException("no learner step for " + stepTimeoutSeconds + " s after step " + seen
                        + "; the services keep running for inspection (logs in " + run.logs() + ", stop with ./ares down)");
            }
        }
        return watch.steps();
    }

    /** The policy version the last step reports (the learner checkpoints after the last scheduled step). */
    private static long finalVersion(List<TrainEvent> events) {
        Double v = events.get(events.size() - 1).metrics().get("policy/version");
        if (v == null) {
            throw new IllegalStateException("the learner's last train event carries no policy/version");
        }
        return v.longValue();
    }

    private CheckpointEvent awaitCheckpoint(RunWatcher watch, long version, RunDir run) {
        long deadline = System.nanoTime() + Duration.ofSeconds(stepTimeoutSeconds).toNanos();
        while (watch.latestCheckpoint().map(c -> c.version() < version).orElse(true)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("checkpoint v" + version + " was not announced within " + stepTimeoutSeconds
                        + " s (logs in " + run.logs() + ")");
            }
            watch.poll(Duration.ofSeconds(1), e -> { });
            requireServicesAlive(run);
        }
        return watch.latestCheckpoint().orElseThrow();
    }

    private static void requireServicesAlive(RunDir run) {
        ServiceLauncher launcher = new ServiceLauncher(run);
        for (ServiceSpec s : ServiceSpec.ALL) {
            if (launcher.pidFile(s).process().isEmpty()) {
                throw new IllegalStateException(s.name() + " is no longer running; log tail:\n"
                        + ServiceLauncher.tail(launcher.logFile(s)));
            }
        }
    }

    private static void say(PrintWriter out, long t0, String line) {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        out.printf(Locale.ROOT, "[%02d:%02d] %s%n", s / 60, s % 60, line);
        out.flush();
    }
}
