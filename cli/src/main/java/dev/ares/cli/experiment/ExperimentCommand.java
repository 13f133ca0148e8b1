package dev.ares.cli.experiment;

import dev.ares.cli.eval.EvalReport;
import dev.ares.cli.eval.Evaluator;
import dev.ares.cli.eval.PolicySampler;
import dev.ares.cli.eval.ProblemResult;
import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.checkpoint.Checkpoint;
import dev.ares.core.compute.InProcessLoop;
import dev.ares.core.learner.CurriculumPrompts;
import dev.ares.core.learner.LearnerMode;
import dev.ares.core.learner.ScheduleConfig;
import dev.ares.core.scoring.AepoStepScorer;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Modality;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.engine.ModelRolloutEngine;
import dev.ares.model.engine.PolicyHolder;
import dev.ares.model.learner.LoopSettings;
import dev.ares.model.learner.ModelLearnerLoop;
import dev.ares.model.learner.TrainerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./ares experiment}: AEPO ({@code hwe-branch}, {@code iid}) against plain GRPO from one cold-start checkpoint,
 * several seeds each, with the same rollout budget (steps x groups x n), through the same learner, rollout engine
 * and step scorer the services run, wired in one process ({@link InProcessLoop}). Every final model is evaluated on
 * the same held-out problems, bucketed by the cold-start policy's pass rate ({@link FixedBuckets}). Resumable run by
 * run: a finished run's {@code runs/<mode>-s<seed>.json} is kept and skipped, an interrupted run resumes from its
 * learner checkpoints (kept under {@code .cache/ares/experiment/}); both folders record the {@link ExperimentSetup}
 * (cold-start weights by SHA-256 and the sizing options), and a rerun under another setup is refused instead of
 * resuming the other experiment's checkpoints. Writes {@code <out>.md} (tables, verdicts, per-run training summary,
 * the command; a hand-written {@link ReadingNotes} block is kept) and the charts beside it.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "AEPO (hwe-branch, iid) vs GRPO from one cold start, several seeds; tables and plots (resumable).")
public final class ExperimentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--cold-start", required = true, description = "Hugging Face folder of the shared cold-start policy.")
    Path coldStart;

    @Option(names = "--modes", split = ",", defaultValue = "hwe-branch,iid,grpo", description = "Modes (default ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--seeds", split = ",", defaultValue = "0,1,2", description = "Seeds (default ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--steps", defaultValue = "12", description = "Learner steps per run (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--groups", defaultValue = "8", description = "Groups per step (default ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--n", defaultValue = "4", description = "Trajectories per group (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--branch-budget", defaultValue = "2", description = "Branch points per group in hwe-branch (default ${DEFAULT-VALUE}).")
    int branchBudget;

    @Option(names = "--max-new-tokens", defaultValue = "96", description = "Response budget (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--lr", defaultValue = "1e-4", description = "Learner peak learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--eval-per-level", defaultValue = "6", description = "Held-out problems per family and level (default ${DEFAULT-VALUE}).")
    int evalPerLevel;

    @Option(names = "--eval-k", defaultValue = "4", description = "Samples per held-out problem (default ${DEFAULT-VALUE}).")
    int evalK;

    @Option(names = "--families", split = ",", defaultValue = "addition,subtraction,multiplication,compare",
            description = "Text families trained and evaluated (default ${DEFAULT-VALUE}).")
    List<String> families;

    @Option(names = "--out", defaultValue = "docs/results/aepo-vs-grpo",
            description = "Output stem: <out>.md, <out>/ for runs, buckets and charts (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException {
        validate();
        PrintWriter o = spec.commandLine().getOut();
        Path dir = out;
        ExperimentSetup setup = new ExperimentSetup(ExperimentSetup.coldStartSha(coldStart), List.copyOf(families), steps,
                groups, n, maxNewTokens, lr, branchBudget, evalPerLevel, evalK);
        try {
            setup.requireSame(dir, Files.isRegularFile(dir.resolve(FixedBuckets.FILE)) || Files.isDirectory(dir.resolve("runs")));
            Path work = workRoot(dir);
            setup.requireSame(work, Files.isDirectory(work) && hasEntries(work));
        } catch (IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Curriculum curriculum = curriculum();
        List<Problem> problems = Evaluator.draw(families, List.of(1, 2, 3, 4, 5), Split.HELDOUT, evalPerLevel, 4242);
        FixedBuckets buckets = buckets(dir, problems, o);
        o.println("buckets of the cold start: " + buckets.sizes());
        RunResult before = coldStartRow(dir, problems, buckets, o);
        List<RunResult> results = new ArrayList<>();
        for (String mode : modes) {
            for (long seed : seeds) {
                Path f = RunResult.file(dir, mode, seed);
                if (Files.isRegularFile(f)) {
                    results.add(RunResult.read(f));
                    o.println(mode + " seed " + seed + ": done earlier (" + f + ")");
                    continue;
                }
                RunResult r = run(mode, seed, curriculum, problems, buckets, dir, o);
                r.write(dir);
                results.add(r);
            }
        }
        ExperimentReport report = new ExperimentReport(results);
        List<Path> charts = report.charts(dir);
        Path md = dir.resolveSibling(dir.getFileName() + ".md");
        Files.writeString(md, ReadingNotes.keep(md, markdown(report, buckets, before, results, charts, md.getParent())));
        o.print(report.tables());
        for (String m : report.modes()) {
            if (!m.equals("grpo")) {
                o.println(report.verdict(m));
            }
        }
        o.println("written: " + md);
        o.flush();
        return 0;
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> !p.getFileName().toString().equals(ExperimentSetup.FILE));
        }
    }

    private void validate() {
        for (String m : modes) {
            LearnerMode.parse(m);
        }
        if (steps < 1 || groups < 1 || n < 2 || maxNewTokens < 1 || evalPerLevel < 1 || evalK < 2 || !(lr > 0)) {
            throw new ParameterException(spec.commandLine(), "need --steps, --groups, --max-new-tokens, --eval-per-level >= 1,"
                    + " --n, --eval-k >= 2 and --lr > 0");
        }
        if (branchBudget < 0 || branchBudget >= n) {
            throw new ParameterException(spec.commandLine(), "--branch-budget must be in [0, n - 1 = " + (n - 1) + "]");
        }
        if (!Files.isRegularFile(coldStart.resolve("config.json"))) {
            throw new ParameterException(spec.commandLine(), "--cold-start " + coldStart + ": no config.json there");
        }
    }

    private Curriculum curriculum() {
        Curriculum.Builder b = Curriculum.builder();
        for (String f : families) {
            b.allLevels(f.strip(), 1, 1, 1, 1, 1);
        }
        return b.build();
    }

    /** The partition by the cold start's pass rate, measured once and stored. */
    private FixedBuckets buckets(Path dir, List<Problem> problems, PrintWriter o) throws IOException {
        Path f = dir.resolve(FixedBuckets.FILE);
        if (Files.isRegularFile(f)) {
            return FixedBuckets.read(f);
        }
        o.println("measuring the cold start's pass rates on " + problems.size() + " held-out problems x " + evalK + " ...");
        o.flush();
        EvalReport r = evaluate(coldStart, problems, 99);
        FixedBuckets b = FixedBuckets.of(r);
        b.write(f);
        return b;
    }

    /**
     * The cold start itself on the held-out problems, in the buckets' terms: the "before" row every run is read
     * against. Stored as {@code cold-start.json}; evaluated with the same seed as the partition and the runs.
     */
    private RunResult coldStartRow(Path dir, List<Problem> problems, FixedBuckets buckets, PrintWriter o) throws IOException {
        Path f = dir.resolve(COLD_START_FILE);
        if (Files.isRegularFile(f)) {
            return RunResult.read(f);
        }
        o.println("evaluating the cold start on the held-out problems (the row before RL) ...");
        o.flush();
        EvalReport r = evaluate(coldStart, problems, 99);
        RunResult row = new RunResult("cold-start", 0, 0, 0, 0, buckets.byBucket(r), byLevel(r), Map.of());
        row.writeTo(f);
        return row;
    }

    /** Held-out figures per curriculum level ({@code L1}..{@code L5}) of one evaluation. */
    private static Map<String, RunResult.Cell> byLevel(EvalReport r) {
        Map<Integer, List<ProblemResult>> levels = new TreeMap<>();
        r.problems().forEach(pr -> levels.computeIfAbsent(pr.level(), k -> new ArrayList<>()).add(pr));
        Map<String, RunResult.Cell> out = new TreeMap<>();
        levels.forEach((lv, ps) -> out.put("L" + lv, FixedBuckets.cell(ps)));
        return out;
    }

    private static final String COLD_START_FILE = "cold-start.json";

    private EvalReport evaluate(Path model, List<Problem> problems, long seed) {
        try (PolicyHolder holder = new PolicyHolder(model, DeviceSpec.parse("cpu"), TriggerVocabulary.loadDefault())) {
            holder.loadFolder(model);
            return holder.withPolicy(policy -> Evaluator.run(problems, new PolicySampler(policy, 1.0, maxNewTokens),
                    PromptFormat.BARE, evalK, seed, Map.of(), List.of()));
        }
    }

    private RunResult run(String mode, long seed, Curriculum curriculum, List<Problem> problems, FixedBuckets buckets,
                          Path dir, PrintWriter o) {
        LearnerMode lm = LearnerMode.parse(mode);
        String runId = "exp-" + mode + "-s" + seed;
        Path root = workRoot(dir);
        ScheduleConfig schedule = new ScheduleConfig(runId, groups, n, 1, lm.exploration(),
                lm == LearnerMode.HWE_BRANCH ? branchBudget : 0, 1.0, 1.0, maxNewTokens, List.of(), seed, steps,
                PromptFormat.BARE, 0);
        LoopSettings settings = new LoopSettings("ares-policy", coldStart, root, 1, 2, DeviceSpec.parse("cpu"), schedule,
                TrainerConfig.defaults(lm, lr, 8192, 1.0));
        AepoConfig scoring = lm == LearnerMode.GRPO ? AepoConfig.grpo() : AepoConfig.code();
        long t0 = System.nanoTime();
        long[] tokens = {0};
        TrainingSummary summary = new TrainingSummary();
        int done;
        Checkpoint last;
        try (ModelLearnerLoop learner = new ModelLearnerLoop(settings, new CurriculumPrompts(curriculum, seed, PromptFormat.BARE));
             PolicyHolder rolloutPolicy = new PolicyHolder(root, DeviceSpec.parse("cpu"), TriggerVocabulary.loadDefault())) {
            learner.load();
            rolloutPolicy.loadFolder(learner.store().latestComplete().map(Checkpoint::directory).orElse(coldStart));
            ModelRolloutEngine rollout = new ModelRolloutEngine(rolloutPolicy);
            InProcessLoop loop = new InProcessLoop(learner, rollout, AepoStepScorer.fresh(scoring, Duration.ofHours(1)));
            int remaining = (int) Math.max(0, steps - learner.book().stepsFinished());
            o.printf(Locale.ROOT, "%s seed %d: %d steps to go%n", mode, seed, remaining);
            o.flush();
            InProcessLoop.Progress p = loop.runSteps(remaining, e -> {
                tokens[0] += e.metrics().getOrDefault("train/tokens", 0.0).longValue();
                summary.add(e.metrics());
                o.printf(Locale.ROOT, "  %s s%d step %d/%d  reward %s  acc %s  len %s  hwe %s  kl %s  trained %d tokens%n",
                        mode, seed, e.step() + 1, steps, metric(e.metrics(), "reward/mean", "%.3f"),
                        metric(e.metrics(), "accuracy/mean", "%.3f"), metric(e.metrics(), "length/mean", "%.1f"),
                        metric(e.metrics(), "hwe/rate", "%.3f"), metric(e.metrics(), "kl/mean", "%.4f"),
                        e.metrics().getOrDefault("train/tokens", 0.0).longValue());
                o.flush();
            });
            done = (int) learner.book().stepsFinished();
            last = learner.store().latestComplete().orElseThrow(() -> new IllegalStateException(runId + " wrote no checkpoint"));
            o.printf(Locale.ROOT, "  %s s%d trained %d steps (%d groups generated now); evaluating v%d ...%n", mode, seed,
                    done, p.groupsGenerated(), last.version());
            o.flush();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        EvalReport eval = evaluate(last.directory(), problems, 99);
        return new RunResult(mode, seed, done, seconds, tokens[0], buckets.byBucket(eval), byLevel(eval), summary.toMap());
    }

    /** A train-event metric formatted, or "-" when the step did not report it (e.g. kl/mean of a step with nothing to train). */
    private static String metric(Map<String, Double> m, String key, String format) {
        Double v = m.get(key);
        return v == null ? "-" : String.format(Locale.ROOT, format, v);
    }

    /**
     * Where the runs' learner checkpoints go: under the repository's {@code .cache/ares/experiment/<out name>/}, not
     * beside the results (hundreds of MB of weights that belong to no document); a rerun resumes from there.
     */
    private static Path workRoot(Path outDir) {
        Path repo = Path.of(System.getProperty("ares.repo.root", System.getProperty("user.dir")));
        return repo.resolve(".cache/ares/experiment").resolve(outDir.getFileName().toString()).resolve("work");
    }

    private String markdown(ExperimentReport report, FixedBuckets buckets, RunResult before, List<RunResult> results,
                            List<Path> charts, Path mdDir) {
        StringBuilder s = new StringBuilder();
        s.append("# AEPO vs GRPO on the demo curriculum\n\n");
        s.append("Generated by `./ares experiment` (the command is below); numbers are from the runs stored in `")
                .append(out).append("/runs/`.\n\n");
        s.append("## Setup\n\n");
        s.append(String.format(Locale.ROOT, "- Shared cold start: `%s`; every run starts from it and uses it as the frozen reference.%n", coldStart));
        s.append(String.format(Locale.ROOT, "- Rollout budget per run: %d steps x %d groups x %d trajectories, at most %d new tokens each"
                + " (hwe-branch: %d branch points per group, group size unchanged).%n", steps, groups, n, maxNewTokens, branchBudget));
        s.append("- Families: ").append(String.join(", ", families)).append(", levels 1-5.\n");
        s.append(String.format(Locale.ROOT, "- Held-out evaluation: %d problems per family and level, %d samples each at temperature 1;"
                + " buckets fixed by the cold start's pass rate: %s.%n", evalPerLevel, evalK, buckets.sizes()));
        s.append("- Modes: `hwe-branch` (AEPO, branching at validated HWE triggers), `iid` (AEPO with independent samples, the official"
                + " code's behaviour with its bugs fixed), `grpo` (accuracy reward only, fixed KL coefficient, no entropy shaping).\n");
        s.append("- Seeds: ").append(seeds).append(".\n\n");
        s.append("## Results (mean ± sd over seeds)\n\n").append(report.tables()).append('\n');
        s.append("The cold start itself (before any RL step) on the same problems and samples: accuracy");
        for (String b : ExperimentReport.BUCKETS) {
            RunResult.Cell c = before.byBucket().get(b);
            s.append(String.format(Locale.ROOT, " %s %s", b, c == null || c.samples() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", c.accuracy())));
        }
        s.append("; length");
        for (String b : ExperimentReport.BUCKETS) {
            RunResult.Cell c = before.byBucket().get(b);
            s.append(String.format(Locale.ROOT, " %s %s", b, c == null || c.samples() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", c.meanLength())));
        }
        s.append(" (`").append(out).append('/').append(COLD_START_FILE).append("`).\n\n");
        s.append("## Does the paper's direction reproduce?\n\n");
        for (String m : report.modes()) {
            if (!m.equals("grpo")) {
                s.append("- ").append(report.verdict(m)).append('\n');
            }
        }
        s.append('\n');
        for (Path c : charts) {
            s.append("![").append(c.getFileName()).append("](").append(mdDir.relativize(c)).append(")\n\n");
        }
        s.append("## Runs\n\nTraining columns are over the steps of the run's last invocation (a resumed run reports only"
                + " its remaining steps): HWE rate = mean fraction of trajectories with a validated HWE window; groups trained /"
                + " filtered = groups that entered the loss / removed by the online filter (all right or all wrong); KL = mean"
                + " k3 KL to the reference over the steps that trained, and at the last one.\n\n"
                + "| mode | seed | steps | train+rollout s | trained tokens | HWE rate | groups trained / filtered | KL mean / last |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (RunResult r : results) {
            Map<String, Double> t = r.training();
            s.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %d | %s | %s / %s | %s / %s |%n", r.mode(), r.seed(),
                    r.steps(), r.trainSeconds(), r.trainedTokens(), metric(t, "hwe/rate", "%.3f"),
                    metric(t, "outcome/groups/trained", "%.0f"), metric(t, "outcome/groups/filtered", "%.0f"),
                    metric(t, "kl/mean", "%.4f"), metric(t, "kl/last", "%.4f")));
        }
        s.append("\n## Command\n\n```\n./ares experiment --cold-start ").append(coldStart).append(" --modes ")
                .append(String.join(",", modes)).append(" --seeds ").append(seeds.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""))
                .append(" --steps ").append(steps).append(" --groups ").append(groups).append(" --n ").append(n)
                .append(" --max-new-tokens ").append(maxNewTokens).append(" --lr ").append(lr).append(" --out ").append(out)
                .append("\n```\n\nRerunning the command skips finished runs; delete `").append(out).append("/runs/<mode>-s<seed>.json` to repeat one.\n");
        s.append("\nMachine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(", Java ")
                .append(System.getProperty("java.version")).append(", CPU only.\n");
        return s.toString();
    }
}
