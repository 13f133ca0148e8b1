package dev.ares.model.bench;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.compute.InProcessLoop;
import dev.ares.core.learner.CurriculumPrompts;
import dev.ares.core.learner.LearnerMode;
import dev.ares.core.learner.ScheduleConfig;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.core.scoring.AepoStepScorer;
import dev.ares.core.tasks.BarChartFamily;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.engine.ModelRolloutEngine;
import dev.ares.model.engine.PolicyHolder;
import dev.ares.model.generation.HweWindow;
import dev.ares.model.learner.LoopSettings;
import dev.ares.model.learner.ModelLearnerLoop;
import dev.ares.model.learner.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * AEPO steps on bar-chart images in one process (the learner, rollout engine and step scorer of the services, wired
 * by {@link InProcessLoop}; docs/learner.md "Image groups"). Prints one line per step (reward, accuracy, HWE rate,
 * KL, gradient norm, trained tokens, seconds) and the total time. Not a unit test: the numbers depend on the machine.
 *
 * <pre>
 * java -cp ... dev.ares.model.bench.ImageAepoBench --model DIR [--steps 3] [--groups 4] [--n 8] [--max-new 64]
 *     [--mode hwe-branch|iid|grpo] [--levels 1] [--lr 1e-5] [--vision frozen|trainable] [--seed 0] [--threads 1]
 * </pre>
 * {@code DIR} is a Qwen2.5-VL folder (e.g. the image cold start of {@code ./ares demo --multimodal}).
 */
public final class ImageAepoBench {
    private ImageAepoBench() {
    }

    /** Runs the benchmark; arguments as in the class comment. */
    public static void main(String[] args) throws Exception {
        Path model = null;
        int steps = 3;
        int groups = 4;
        int n = 8;
        int maxNew = 64;
        int levels = 1;
        int threads = 1;
        long seed = 0;
        double lr = 1e-5;
        boolean trainVision = false;
        String mode = "hwe-branch";
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--steps" -> steps = Integer.parseInt(v);
                case "--groups" -> groups = Integer.parseInt(v);
                case "--n" -> n = Integer.parseInt(v);
                case "--max-new" -> maxNew = Integer.parseInt(v);
                case "--levels" -> levels = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--lr" -> lr = Double.parseDouble(v);
                case "--mode" -> mode = v;
                case "--vision" -> trainVision = "trainable".equals(v);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            i++;
        }
        if (model == null) {
            throw new IllegalArgumentException("--model DIR (a qwen2_5_vl folder) is required");
        }
        ai.djl.engine.Engine.getInstance();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        LearnerMode lm = LearnerMode.parse(mode);
        Curriculum.Builder cb = Curriculum.builder();
        for (int level = 1; level <= levels; level++) {
            cb.add(BarChartFamily.NAME, level, 1.0);
        }
        Curriculum curriculum = cb.build();
        Path work = Files.createTempDirectory("ares-image-aepo");
        Path blobs = work.resolve("blobs");
        ScheduleConfig sc = new ScheduleConfig("image-aepo", groups, n, 1, lm.exploration(),
                lm == LearnerMode.HWE_BRANCH ? Math.max(1, n / 4) : 0, 1.0, 1.0, maxNew, List.of(), seed, steps,
                PromptFormat.BARE, 0);
        LoopSettings settings = new LoopSettings("ares-vl", model, work.resolve("checkpoints"), 1, 2, DeviceSpec.cpu(),
                sc, TrainerConfig.defaults(lm, lr, 8192, 1.0)).withImages(blobs, trainVision);
        AepoConfig scoring = lm == LearnerMode.GRPO ? AepoConfig.grpo() : AepoConfig.code();
        System.out.printf(Locale.ROOT, "model %s, %s, %d steps x %d groups x %d, max %d new tokens, bar_chart levels 1..%d,"
                + " vision %s, lr %g, %d thread(s)%n", model, mode, steps, groups, n, maxNew, levels,
                trainVision ? "trainable" : "frozen", lr, threads);
        long t0 = System.nanoTime();
        try (ModelLearnerLoop learner = new ModelLearnerLoop(settings, new CurriculumPrompts(curriculum, seed,
                PromptFormat.BARE, blobs));
             PolicyHolder rollout = new PolicyHolder(work.resolve("checkpoints"), DeviceSpec.cpu(),
                     TriggerVocabulary.loadDefault())) {
            learner.load();
            rollout.loadFolder(model);
            InProcessLoop loop = new InProcessLoop(learner, new ModelRolloutEngine(rollout, HweWindow.codeDefault(), 64,
                    blobs), AepoStepScorer.fresh(scoring, Duration.ofHours(1)));
            long[] last = {System.nanoTime()};
            loop.runSteps(steps, e -> {
                long now = System.nanoTime();
                System.out.println(line(e, (now - last[0]) / 1e9));
                last[0] = now;
            });
        }
        System.out.printf(Locale.ROOT, "total %.1f s (work dir %s)%n", (System.nanoTime() - t0) / 1e9, work);
    }

    private static String line(TrainEvent e, double seconds) {
        Map<String, Double> m = e.metrics();
        return String.format(Locale.ROOT, "step %d: reward %.3f  accuracy %.3f  hwe/rate %.3f  kl %.5f  grad %.4f  "
                        + "trained %d groups, %d tokens  %.1f s", e.step(), get(m, "reward/mean"), get(m, "accuracy/mean"),
                get(m, "hwe/rate"), get(m, "kl/mean"), get(m, "grad/norm"),
                (long) get(m, "outcome/groups/trained"), (long) get(m, "train/tokens"), seconds);
    }

    private static double get(Map<String, Double> m, String key) {
        return m.getOrDefault(key, Double.NaN);
    }
}
