package dev.ares.cli;

import dev.ares.model.bench.DecodeBench;
import dev.ares.model.bench.TrainBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./ares bench}: the Java side of the model benchmark against {@code shared/bench/torch_qwen2_baseline.py}
 * (issue 3; method and results in docs/benchmarks.md). Prints two JSON lines: decode tokens/s at batch 1 and 8
 * ({@link DecodeBench}) and training tokens/s at 8 x 256 ({@link TrainBench}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Decode and training throughput of the demo-size Qwen2 model (compare with the PyTorch baseline).")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--threads", description = "intra-op threads (default: all cores, as the baseline)")
    Integer threads;

    @Option(names = "--model", description = "a Hugging Face Qwen folder to decode with instead of the demo model")
    Path model;

    @Option(names = "--skip-train", description = "decode only")
    boolean skipTrain;

    @Override
    public Integer call() throws Exception {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + n);
        }
        spec.commandLine().getOut().println(DecodeBench.run(model, n));
        if (!skipTrain) {
            spec.commandLine().getOut().println(TrainBench.run(n));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
