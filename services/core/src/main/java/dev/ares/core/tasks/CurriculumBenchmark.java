package dev.ares.core.tasks;

import java.util.Locale;

/**
 * Prints how fast the curriculum produces work for the learner: tasks per second per family (level mix 1..5, image
 * rendering and PNG encoding included) and traces per second at each verbosity, after a warm-up. A main class, not a
 * test (docs/benchmarks.md, "Synthetic curriculum").
 *
 * <p>Usage: {@code java -cp ares-core.jar:<deps> dev.ares.core.tasks.CurriculumBenchmark [tasksPerFamily]}.
 */
public final class CurriculumBenchmark {

    private CurriculumBenchmark() {
    }

    /** Runs the benchmark; the optional argument is the number of timed tasks per family (default 4000). */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "machine: %d cpus, java %s, max heap %d MiB%n", rt.availableProcessors(),
                System.getProperty("java.version"), rt.maxMemory() >> 20);
        for (TaskFamily f : TaskFamilies.all()) {
            long sink = 0;
            for (int i = 0; i < n / 4; i++) {
                sink += f.generate(1 + i % 5, i).problem().answer().length();
            }
            long t0 = System.nanoTime();
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                Problem p = f.generate(1 + i % 5, 1_000_000L + i).problem();
                sink += p.answer().length();
                bytes += p.hasImage() ? p.image().length : 0;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%-15s %9.0f tasks/s%s  (sink %d)%n", f.name(), n / s,
                    bytes > 0 ? String.format(Locale.ROOT, ", mean PNG %.0f B", bytes / (double) n) : "", sink);
        }
        Curriculum c = Curriculum.all();
        java.util.List<Task> tasks = c.take(Split.TRAIN, 1, n);
        for (int v = TraceWriter.MIN_VERBOSITY; v <= TraceWriter.MAX_VERBOSITY; v++) {
            long chars = 0;
            long t0 = System.nanoTime();
            for (Task t : tasks) {
                chars += TraceWriter.write(t, v).text().length();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "traces v%d      %9.0f traces/s, mean %.0f chars%n", v, tasks.size() / s,
                    chars / (double) tasks.size());
        }
        long t0 = System.nanoTime();
        c.take(Split.HELDOUT, 2, n / 4);
        System.out.printf(Locale.ROOT, "held-out draws  %9.0f tasks/s (rejection of the 90%% training share)%n",
                (n / 4) / ((System.nanoTime() - t0) / 1e9));
    }
}
