package dev.ares.model.bench;

import ai.djl.engine.Engine;
import dev.ares.model.DeviceSpec;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.Generator;
import dev.ares.model.qwen.QwenModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Java side of the decode benchmark of {@code shared/bench/torch_qwen2_baseline.py}, same model and shapes:
 * greedy generation of 128 new tokens after a 32-token prompt with the KV cache, batch 1 and 8, best of
 * {@link #RUNS} runs after {@link #WARMUP} untimed ones (the torch baseline needs no JIT warm-up). Prints one JSON object:
 * {@code {"engine", "threads", "decode_tok_s_b1", "decode_tok_s_b8"}}.
 *
 * <p>Usage: {@code DecodeBench [--threads N] [--model DIR]} (default: the demo model written to a temp folder).
 */
public final class DecodeBench {
    /**
     * Untimed runs first: the JIT keeps compiling DJL's call paths for the first thousand or so steps (at batch 1
     * the fourth run was still up to 2x slower than the twentieth on the 2-core build machine).
     */
    static final int WARMUP = 12;
    /** Timed runs; the best is reported, as the baseline does. */
    static final int RUNS = 8;

    private DecodeBench() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--model" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.println(run(dir, threads));
    }

    /** Runs the benchmark and returns the JSON line. */
    public static String run(Path modelDir, int threads) throws Exception {
        Engine.getInstance();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        ai.djl.pytorch.jni.JniUtils.setNumInteropThreads(1);
        Path dir = modelDir != null ? modelDir : DemoModel.write(Files.createTempDirectory("ares-demo-model"));
        try (QwenModel model = QwenModel.load(dir, DeviceSpec.cpu())) {
            Generator g = new Generator(model);
            double b1 = decodeRate(g, 1);
            double b8 = decodeRate(g, 8);
            return String.format(java.util.Locale.ROOT,
                    "{\"engine\":\"%s\",\"threads\":%d,\"decode_tok_s_b1\":%.1f,\"decode_tok_s_b8\":%.1f}",
                    Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion(), threads, b1, b8);
        }
    }

    static double decodeRate(Generator g, int batch) {
        int prompt = 32;
        int fresh = 128;
        Random rnd = new Random(batch);
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < WARMUP + RUNS; rep++) {
            List<int[]> prompts = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                int[] p = new int[prompt];
                for (int t = 0; t < prompt; t++) {
                    p[t] = 9 + rnd.nextInt(DemoModel.VOCAB - 9);
                }
                prompts.add(p);
            }
            long t0 = System.nanoTime();
            g.generate(prompts, GenerationParams.greedy(fresh));
            double s = (System.nanoTime() - t0) / 1e9;
            if (rep >= WARMUP) {
                best = Math.min(best, s);
            }
        }
        return batch * fresh / best;
    }
}
