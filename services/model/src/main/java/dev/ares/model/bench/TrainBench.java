package dev.ares.model.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ares.model.DeviceSpec;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.train.AdamW;
import dev.ares.model.train.TokenScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Java side of the training benchmark of {@code shared/bench/torch_qwen2_baseline.py}: teacher-forced
 * forward over 8 x 255 tokens of the demo model, mean cross-entropy of the next tokens, backward, one AdamW
 * step (lr 1e-4); tokens/s of the best of 3 timed steps after 2 untimed ones. Prints
 * {@code {"threads", "train_tok_s_b8x256"}}.
 *
 * <p>Usage: {@code TrainBench [--threads N]}.
 */
public final class TrainBench {
    private TrainBench() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--threads")) {
                threads = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.println(run(threads));
    }

    /** Runs the benchmark with {@code threads} intra-op threads and returns the JSON line. */
    public static String run(int threads) throws Exception {
        Engine.getInstance();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        ai.djl.pytorch.jni.JniUtils.setNumInteropThreads(1);
        Path dir = DemoModel.write(Files.createTempDirectory("ares-demo-model"));
        int batch = 8;
        int seq = 256;
        try (QwenModel model = QwenModel.load(dir, DeviceSpec.cpu());
             NDManager m = model.manager().newSubManager()) {
            AdamW opt = AdamW.withDefaults(model.parameters(), 1e-4);
            Random rnd = new Random(0);
            long[] all = new long[batch * seq];
            for (int i = 0; i < all.length; i++) {
                all[i] = 9 + rnd.nextInt(DemoModel.VOCAB - 9);
            }
            NDArray tokens = m.create(all, new Shape(batch, seq));
            NDArray ids = tokens.get(":, :-1");
            NDArray targets = tokens.get(":, 1:");
            NDArray pos = m.arange(0, seq - 1).toType(DataType.INT64, false).expandDims(0).repeat(0, batch);
            NDArray mask = m.ones(new Shape(batch, seq - 1));
            double best = Double.MAX_VALUE;
            for (int step = 0; step < 5; step++) {
                long t0 = System.nanoTime();
                try (NDScope scope = new NDScope();
                     GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = TokenScorer.score(model, ids, pos, mask, targets, 1.0).logprobs().mean().neg();
                    gc.backward(loss);
                }
                opt.step();
                double s = (System.nanoTime() - t0) / 1e9;
                if (step >= 2) {
                    best = Math.min(best, s);
                }
            }
            return String.format(java.util.Locale.ROOT, "{\"threads\":%d,\"train_tok_s_b8x256\":%.1f}", threads,
                    batch * (seq - 1) / best);
        }
    }
}
