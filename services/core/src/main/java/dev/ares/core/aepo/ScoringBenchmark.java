package dev.ares.core.aepo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Benchmark of {@link AepoScorer#scoreBatch(List, ControllerState, AepoConfig)} on a training-size batch (issue 4
 * acceptance): by default 512 groups × 8 trajectories × 4096 tokens, synthetic entropies and ~5% trigger tokens.
 * Prints one line per timed run (wall time and the scoring thread's CPU time, which is robust to other processes
 * on a shared machine) and the medians in milliseconds. Single thread.
 *
 * <p>Usage: {@code java -cp ares-core.jar dev.ares.core.aepo.ScoringBenchmark [groups] [groupSize] [tokens]
 * [runs] [code|paper]}
 */
public final class ScoringBenchmark {
    private ScoringBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional groups, group size, tokens, timed runs, reading
     */
    public static void main(String[] args) {
        int groups = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        Reading reading = args.length > 4 ? Reading.valueOf(args[4].toUpperCase(java.util.Locale.ROOT))
                : Reading.CODE;
        List<GroupInput> batch = syntheticBatch(groups, size, tokens, 42L);
        AepoConfig cfg = AepoConfig.of(reading);
        ControllerState state = ControllerState.initial(cfg);
        // prime the lagged threshold so the timed runs take the production path (one pass over the tokens)
        state = AepoScorer.scoreBatch(batch, state, cfg).state();
        for (int i = 0; i < 5; i++) {
            AepoScorer.scoreBatch(batch, state, cfg);
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] ms = new double[runs];
        double[] cpu = new double[runs];
        long sink = 0;
        for (int i = 0; i < runs; i++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            BatchResult r = AepoScorer.scoreBatch(batch, state, cfg);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
            sink += r.stats().keptGroups();
            System.out.printf(java.util.Locale.ROOT, "run %d: wall %.1f ms, thread cpu %.1f ms%n", i + 1, ms[i], cpu[i]);
        }
        java.util.Arrays.sort(ms);
        java.util.Arrays.sort(cpu);
        long total = (long) groups * size * tokens;
        System.out.printf(java.util.Locale.ROOT,
                "AEPO scoreBatch (%s): %d groups x %d x %d tokens = %d tokens; wall median %.1f ms (min %.1f, max %.1f);"
                        + " thread cpu median %.1f ms (min %.1f); %.1f M tokens/s (wall median);"
                        + " kept-groups checksum %d%n",
                reading.name().toLowerCase(java.util.Locale.ROOT), groups, size, tokens, total, ms[runs / 2], ms[0],
                ms[runs - 1], cpu[runs / 2], cpu[0], total / (ms[runs / 2] / 1e3) / 1e6, sink);
        System.out.printf(java.util.Locale.ROOT, "load average at end: %.2f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(java.util.Locale.ROOT, "java %s, %s %s, %d cpus available%n",
                System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Synthetic batch: entropies mostly low (0–0.6 nats) with 10% spikes (1–4 nats), 5% trigger tokens, and a
     * per-group difficulty that spreads the groups over all buckets.
     */
    static List<GroupInput> syntheticBatch(int groups, int size, int tokens, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<GroupInput> out = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            double pCorrect = rnd.nextDouble();
            List<TrajectoryInput> ts = new ArrayList<>(size);
            for (int j = 0; j < size; j++) {
                float[] h = new float[tokens];
                boolean[] trig = new boolean[tokens];
                for (int p = 0; p < tokens; p++) {
                    double u = rnd.nextDouble();
                    h[p] = (float) (u < 0.1 ? 1.0 + 30.0 * u : 0.6 * u);
                    trig[p] = ((p * 31 + j * 17 + g) % 20) == 0;
                }
                ts.add(TrajectoryInput.of(rnd.nextDouble() < pCorrect, true, h, trig));
            }
            out.add(new GroupInput("g" + g, ts));
        }
        return out;
    }
}
