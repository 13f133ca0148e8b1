package dev.ares.cli.soak;

import dev.ares.cli.demo.RunWatcher;
import dev.ares.cli.stack.LocalStack;
import dev.ares.cli.stack.RunDir;
import dev.ares.cli.stack.ServiceLauncher;
import dev.ares.cli.stack.ServiceSpec;
import dev.ares.core.checkpoint.Checkpoint;
import dev.ares.core.checkpoint.CheckpointStore;
import dev.ares.core.learner.LearnerState;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.kafkalocal.LocalKafka;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./ares soak}: issue 10 item 4. Starts the demo stack (its own broker and the four packaged services, in a
 * run directory of its own under {@code .cache/ares/soak/}) with an endless AEPO run of the quick demo preset, and
 * for {@code --minutes} SIGKILLs a randomly chosen service every {@code --kill-min}..{@code --kill-max} seconds and
 * starts it again with the same configuration. Then it drains: the learner is killed once more and restarted with
 * {@code ares.learner.max-steps} set just past the highest step requested so far, so the run ends and every requested
 * group must reach an outcome. It ends with the accounting report ({@link SoakLedger}: every requested group's
 * outcome from the topics against the learner's checkpointed accounting; {@link MetricsTally}: dead-letter,
 * duplicate, late-group and checkpoint-rejection counters of {@code /q/metrics} summed over process lifetimes), the
 * kill log, and the services' health, and stops everything. Exit code 0 only when no promise was broken and every
 * service is live and ready at the end. docs/results/soak.md holds a measured run.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Chaos soak: the demo stack with a random service SIGKILLed and restarted every 2-4 minutes, then an accounting report.")
public final class SoakCommand implements Callable<Integer> {
    private static final List<String> METRICS = List.of("ares_records_dlq_total", "ares_checkpoint_rejected_total",
            "ares_reward_duplicate_groups_total", "ares_reward_late_groups_total", "ares_reward_batches_total",
            "ares_trajectory_duplicates_total", "ares_learner_checkpoints_total", "ares_rollout_groups_total");

    @Spec
    CommandSpec spec;

    @Option(names = "--minutes", defaultValue = "30", description = "Length of the chaos phase (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--kill-min", defaultValue = "120", description = "Shortest pause between kills, seconds (default ${DEFAULT-VALUE}).")
    int killMin;

    @Option(names = "--kill-max", defaultValue = "240", description = "Longest pause between kills, seconds (default ${DEFAULT-VALUE}).")
    int killMax;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the kill schedule and of the run (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--base-port", defaultValue = "18080",
            description = "Port of inference-service; rollout, reward and learner use the next three (default ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--model-dir", description = "Policy to start from (default: the shipped quick cold start demo/cold-start/quick-s0).")
    Path modelDir;

    @Option(names = "--drain-timeout", defaultValue = "900",
            description = "Seconds the final drain may take before the soak gives up (default ${DEFAULT-VALUE}).")
    int drainTimeout;

    @Option(names = "--report", description = "Also write the report (Markdown) to this file.")
    Path reportFile;

    @Option(names = "--keep-running", description = "Leave the broker and the services running at the end.")
    boolean keepRunning;

    private final List<String> killLog = new ArrayList<>();
    private long t0;
    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        t0 = System.nanoTime();
        out = spec.commandLine().getOut();
        if (minutes <= 0 || killMin < 10 || killMax < killMin) {
            throw new ParameterException(spec.commandLine(), "need --minutes > 0 and 10 <= --kill-min <= --kill-max");
        }
        RunDir repoRun = RunDir.current();
        Path model = modelDir != null ? modelDir : repoRun.repoRoot().resolve("demo/cold-start/quick-s0");
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            throw new ParameterException(spec.commandLine(), "no model at " + model + " (config.json missing)");
        }
        String runId = "soak-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        RunDir run = new RunDir(repoRun.repoRoot(), repoRun.repoRoot().resolve(".cache/ares/soak").resolve(runId)).create();
        Map<String, String> common = new LinkedHashMap<>();
        common.put("ares.checkpoints.root", run.checkpoints().toString());
        common.put("ares.blobs.root", run.blobs().toString());
        common.put("ares.model.dir", model.toString());
        Map<String, Map<String, String>> perService = Map.of("learner-service", learnerProps(runId, model, 0),
                "reward-service", Map.of("ares.reward.mode", "code"));
        say("run " + runId + " in " + run.root());
        say("starting broker, topics and the four services ...");
        LocalStack.Urls urls = LocalStack.start(run, basePort, kafkaPort, common, perService, Duration.ofSeconds(180));
        ServiceLauncher launcher = new ServiceLauncher(run);
        Map<String, Map<String, String>> props = new LinkedHashMap<>();
        for (ServiceSpec s : ServiceSpec.ALL) {
            Map<String, String> p = new LinkedHashMap<>(common);
            p.put("kafka.bootstrap.servers", urls.bootstrap());
            p.putAll(perService.getOrDefault(s.name(), Map.of()));
            props.put(s.name(), p);
        }
        MetricsTally tally = new MetricsTally(METRICS);
        int exit;
        try (RunWatcher watch = new RunWatcher(urls.bootstrap(), runId)) {
            chaos(launcher, props, urls, watch, tally);
            long maxSteps = drain(launcher, props, urls, watch, tally, runId, model);
            Map<String, String> health = awaitHealthy(urls);
            scrapeAll(launcher, urls, tally);
            RunTopics topics = RunTopics.read(urls.bootstrap(), runId);
            LearnerState state = learnerState(watch.latestCheckpoint().orElseThrow(
                    () -> new IllegalStateException("no checkpoint of run " + runId + " was announced")));
            SoakLedger ledger = new SoakLedger(topics, state, maxSteps);
            List<String> report = report(runId, ledger, tally, health, run);
            report.forEach(out::println);
            out.flush();
            if (reportFile != null) {
                Files.createDirectories(reportFile.toAbsolutePath().getParent());
                Files.write(reportFile, report);
            }
            boolean healthy = health.values().stream().allMatch("UP/UP"::equals);
            exit = ledger.violations().isEmpty() && healthy ? 0 : 1;
        } finally {
            if (!keepRunning) {
                stopAll(launcher, run);
            }
        }
        return exit;
    }

    private Map<String, String> learnerProps(String runId, Path model, long maxSteps) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ares.learner.run-id", runId);
        p.put("ares.learner.model-dir", model.toString());
        p.put("ares.learner.families", "addition,subtraction,compare");
        p.put("ares.learner.mode", "hwe-branch");
        p.put("ares.learner.max-steps", Long.toString(maxSteps));
        p.put("ares.learner.groups-per-step", "8");
        p.put("ares.learner.n", "4");
        p.put("ares.learner.max-new-tokens", "96");
        p.put("ares.learner.checkpoint-every", "1");
        p.put("ares.learner.lr", "1e-4");
        p.put("ares.learner.seed", Long.toString(seed));
        p.put("ares.learner.prompt-format", "bare");
        p.put("ares.learner.schedule-every", "250ms");
        return p;
    }

    /** Kills and restarts random services until the chaos phase ends; follows the run and scrapes metrics meanwhile. */
    private void chaos(ServiceLauncher launcher, Map<String, Map<String, String>> props, LocalStack.Urls urls,
                       RunWatcher watch, MetricsTally tally) throws IOException {
        Random rnd = new Random(seed);
        long end = System.nanoTime() + (long) (minutes * 60e9);
        say(String.format(Locale.ROOT, "chaos for %.1f min: SIGKILL + restart of a random service every %d-%d s",
                minutes, killMin, killMax));
        while (true) {
            long next = System.nanoTime() + (killMin + (long) rnd.nextInt(killMax - killMin + 1)) * 1_000_000_000L;
            follow(watch, launcher, urls, tally, Math.min(next, end));
            if (System.nanoTime() >= end) {
                return;
            }
            ServiceSpec victim = ServiceSpec.ALL.get(rnd.nextInt(ServiceSpec.ALL.size()));
            killAndRestart(launcher, victim, props.get(victim.name()), urls, tally);
        }
    }

    /** Prints new steps and scrapes every service every 5 s until {@code until} (System.nanoTime()). */
    private void follow(RunWatcher watch, ServiceLauncher launcher, LocalStack.Urls urls, MetricsTally tally, long until) {
        long nextScrape = 0;
        while (System.nanoTime() < until) {
            watch.poll(Duration.ofSeconds(1), this::printStep);
            if (System.nanoTime() >= nextScrape) {
                scrapeAll(launcher, urls, tally);
                nextScrape = System.nanoTime() + 5_000_000_000L;
            }
        }
    }

    private void killAndRestart(ServiceLauncher launcher, ServiceSpec victim, Map<String, String> props,
                                LocalStack.Urls urls, MetricsTally tally) throws IOException {
        scrapeAll(launcher, urls, tally);
        ProcessHandle p = launcher.pidFile(victim).process().orElse(null);
        long pid = -1;
        if (p != null) {
            pid = p.pid();
            p.destroyForcibly();
            try {
                p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(victim.name() + " (pid " + pid + ") survived SIGKILL for 30 s", e);
            }
        }
        long k = System.nanoTime();
        String url = urls.of(victim.name());
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        launcher.start(victim, port, props, Duration.ofSeconds(240));
        long restartMs = (System.nanoTime() - k) / 1_000_000;
        String line = String.format(Locale.ROOT, "| %s | %s | %d | %.1f |", clock(), victim.name(), pid, restartMs / 1000.0);
        killLog.add(line);
        say("SIGKILL " + victim.name() + " (pid " + pid + "), live again after " + restartMs + " ms");
    }

    /**
     * Ends the run: SIGKILL the learner, read the highest step requested so far, restart the learner with
     * {@code max-steps} one past it, and wait until it has trained every step and announced the last checkpoint.
     *
     * @return the run's step count
     */
    private long drain(ServiceLauncher launcher, Map<String, Map<String, String>> props, LocalStack.Urls urls,
                       RunWatcher watch, MetricsTally tally, String runId, Path model) throws IOException {
        ServiceSpec learner = spec("learner-service");
        scrapeAll(launcher, urls, tally);
        launcher.pidFile(learner).process().ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
        long maxSteps = RunTopics.highestRequestedStep(urls.bootstrap(), runId) + 1;
        if (maxSteps < 1) {
            throw new IllegalStateException("the learner never requested a step (logs in " + launcher.logFile(learner) + ")");
        }
        Map<String, String> p = new LinkedHashMap<>(props.get(learner.name()));
        p.putAll(learnerProps(runId, model, maxSteps));
        String url = urls.of(learner.name());
        launcher.start(learner, Integer.parseInt(url.substring(url.lastIndexOf(':') + 1)), p, Duration.ofSeconds(240));
        killLog.add(String.format(Locale.ROOT, "| %s | learner-service (drain: max-steps %d) | | |", clock(), maxSteps));
        say("drain: learner restarted with max-steps " + maxSteps + "; waiting for the run to finish ...");
        long deadline = System.nanoTime() + Duration.ofSeconds(drainTimeout).toNanos();
        while (!finished(watch, maxSteps)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the run did not finish " + maxSteps + " steps within " + drainTimeout
                        + " s of draining (" + watch.steps().size() + " steps; logs in " + launcher.logFile(learner).getParent() + ")");
            }
            follow(watch, launcher, urls, tally, System.nanoTime() + 5_000_000_000L);
        }
        say("drain: " + maxSteps + " steps trained, final checkpoint v" + watch.latestCheckpoint().orElseThrow().version());
        return maxSteps;
    }

    private static boolean finished(RunWatcher watch, long steps) {
        List<TrainEvent> all = watch.steps();
        if (all.size() < steps) {
            return false;
        }
        Double version = all.get(all.size() - 1).metrics().get("policy/version");
        return version != null && watch.latestCheckpoint().map(c -> c.version() >= version).orElse(false);
    }

    /** live/ready status of every service ("UP/UP" when healthy), waiting up to 2 minutes for them to settle. */
    private static Map<String, String> awaitHealthy(LocalStack.Urls urls) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Map<String, String> status = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        do {
            for (ServiceSpec s : ServiceSpec.ALL) {
                String base = urls.of(s.name());
                status.put(s.name(), probe(http, base + "/q/health/live") + "/" + probe(http, base + "/q/health/ready"));
            }
            if (status.values().stream().allMatch("UP/UP"::equals)) {
                break;
            }
            sleep(2000);
        } while (System.nanoTime() < deadline);
        return status;
    }

    private static String probe(HttpClient http, String url) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? "UP" : "DOWN(" + r.statusCode() + ")";
        } catch (IOException e) {
            return "UNREACHABLE";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "INTERRUPTED";
        }
    }

    private static void scrapeAll(ServiceLauncher launcher, LocalStack.Urls urls, MetricsTally tally) {
        for (ServiceSpec s : ServiceSpec.ALL) {
            launcher.pidFile(s).process().ifPresent(p -> tally.scrape(s.name(), p.pid(), urls.of(s.name())));
        }
    }

    private List<String> report(String runId, SoakLedger ledger, MetricsTally tally, Map<String, String> health, RunDir run)
            throws IOException {
        List<String> r = new ArrayList<>();
        r.add("## Soak report: run " + runId);
        r.add("");
        r.add(String.format(Locale.ROOT, "chaos %.1f min, kill every %d-%d s (seed %d), total %s; %d service incarnations scraped",
                minutes, killMin, killMax, seed, clock(), tally.incarnations()));
        r.add("");
        r.add("| time | killed (SIGKILL) | pid | live again after (s) |");
        r.add("|---|---|---:|---:|");
        r.addAll(killLog);
        r.add("");
        r.addAll(ledger.lines());
        r.add("");
        r.add("checkpoints: " + ledger.checkpointsAnnounced + " announced on ares.checkpoints, "
                + (long) tally.total("ares_learner_checkpoints_total") + " written (learner counter), "
                + checkpointDirs(run.checkpoints()) + " directories kept after retention; rejected: "
                + (long) tally.total("ares_checkpoint_rejected_total"));
        r.add("");
        r.add("counters of /q/metrics summed over process lifetimes (lower bounds: counts between the last scrape and a kill are lost):");
        int zero = 0;
        for (Map.Entry<String, Double> e : tally.totals().entrySet()) {
            if (e.getValue() == 0) {
                zero++;
            } else {
                r.add(String.format(Locale.ROOT, "- `%s` %.0f", e.getKey(), e.getValue()));
            }
        }
        r.add("- every other scraped series (" + zero + ", e.g. each dead-letter reason and checkpoint-rejection kind) is 0");
        r.add("");
        r.add("health at the end (live/ready): " + health);
        List<String> v = ledger.violations();
        r.add("");
        r.add(v.isEmpty() ? "promises kept: every requested group has exactly one outcome, the learner's accounting agrees,"
                + " no trajectory trained twice" : "BROKEN PROMISES:");
        v.forEach(x -> r.add("- " + x));
        return r;
    }

    private static long checkpointDirs(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (var s = Files.walk(root, 3)) {
            return s.filter(p -> p.getFileName().toString().equals("MANIFEST.json")).count();
        }
    }

    private static LearnerState learnerState(CheckpointEvent event) throws IOException {
        Checkpoint ckpt = new CheckpointStore(Path.of(URI.create(event.uri())).getParent())
                .open(event.version(), event.manifestSha256());
        return LearnerState.fromJson(Files.readAllBytes(ckpt.file(LearnerState.FILE)), LearnerState.FILE);
    }

    private void stopAll(ServiceLauncher launcher, RunDir run) {
        for (ServiceSpec s : ServiceSpec.ALL) {
            launcher.pidFile(s).stop(Duration.ofSeconds(20));
        }
        LocalKafka.find(run.kafkaData()).ifPresent(b -> b.stop(Duration.ofSeconds(30)));
        say("stopped the services and the broker (logs and data in " + run.root() + ")");
    }

    private void printStep(TrainEvent e) {
        Double v = e.metrics().get("policy/version");
        Double reward = e.metrics().get("reward/mean");
        say(String.format(Locale.ROOT, "step %d trained (policy v%s, reward %.3f)", e.step(),
                v == null ? "?" : Long.toString(v.longValue()), reward == null ? Double.NaN : reward));
    }

    private static ServiceSpec spec(String name) {
        return ServiceSpec.ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private String clock() {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    private void say(String line) {
        out.printf(Locale.ROOT, "[%s] %s%n", clock(), line);
        out.flush();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
