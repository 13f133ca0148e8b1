package dev.ares.core.scoring;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.protocol.FinishReason;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.Timings;
import dev.ares.core.protocol.Trajectory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Benchmark of {@link AepoStepScorer}: the time to score one complete step (the {@code accept} of its last group:
 * answer verification and format check of every trajectory text, AEPO batch scoring, building the
 * {@link ScoredBatch}). Synthetic groups: entropies in [0, 4) nats, ~5% trigger tokens, response texts of about 4
 * characters per token ending in a boxed answer, half of them right. Prints each timed run (wall and scoring-thread
 * CPU milliseconds) and the medians. Single thread.
 *
 * <p>Usage: {@code java -cp ares-core.jar dev.ares.core.scoring.StepScoringBenchmark [groups] [groupSize] [tokens]
 * [runs]} (defaults 128 8 4096 5).
 */
public final class StepScoringBenchmark {
    private StepScoringBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional groups, group size, tokens per trajectory, timed runs
     */
    public static void main(String[] args) {
        int groups = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        List<RolloutGroup> step = groups(groups, size, tokens);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        for (int run = -2; run < runs; run++) {
            AepoStepScorer scorer = AepoStepScorer.fresh(AepoConfig.code(), Duration.ofMinutes(10));
            for (int g = 0; g < groups - 1; g++) {
                scorer.accept(step.get(g));
            }
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            List<ScoredBatch> out = scorer.accept(step.get(groups - 1));
            long t1 = System.nanoTime();
            long c1 = mx.getCurrentThreadCpuTime();
            if (out.size() != 1) {
                throw new IllegalStateException("the step was not scored");
            }
            if (run >= 0) {
                wall[run] = (t1 - t0) / 1e6;
                cpu[run] = (c1 - c0) / 1e6;
                System.out.printf("run %d: wall %.1f ms, cpu %.1f ms%n", run, wall[run], cpu[run]);
            }
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf("step of %d groups x %d trajectories x %d tokens: median wall %.1f ms, median cpu %.1f ms"
                + " (%d cores, Java %s)%n", groups, size, tokens, wall[runs / 2], cpu[runs / 2],
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    }

    private static List<RolloutGroup> groups(int groups, int size, int tokens) {
        SplittableRandom rnd = new SplittableRandom(42);
        SamplingParams sampling = new SamplingParams(1.0, 1.0, 0, tokens, 1, List.of());
        StringBuilder filler = new StringBuilder("<think>");
        while (filler.length() < 4 * tokens - 40) {
            filler.append("so 3 + 4 = 7, wait, let me check again. ");
        }
        filler.append("</think> The answer is ");
        String body = filler.toString();
        List<RolloutGroup> out = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            List<Trajectory> ts = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int[] ids = new int[tokens];
                float[] lp = new float[tokens];
                float[] h = new float[tokens];
                boolean[] trig = new boolean[tokens];
                for (int t = 0; t < tokens; t++) {
                    ids[t] = rnd.nextInt(151_000);
                    lp[t] = (float) -rnd.nextDouble(0.001, 8.0);
                    h[t] = (float) rnd.nextDouble(0.0, 4.0);
                    trig[t] = rnd.nextInt(20) == 0;
                }
                String answer = rnd.nextBoolean() ? "\\boxed{7}" : "\\boxed{\\frac{15}{2}}";
                ts.add(new Trajectory("g" + g + "-t" + i, ids, body + answer, lp, lp, h, trig, null, -1,
                        FinishReason.EOS, 0, new Timings(1000, 200, tokens)));
            }
            out.add(new RolloutGroup("run-bench", 0, groups, "g" + g, "req-g" + g, "7", "synthetic/arith", sampling,
                    new int[] {1, 2, 3}, ts));
        }
        return out;
    }
}
