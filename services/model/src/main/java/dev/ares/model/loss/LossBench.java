package dev.ares.model.loss;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ares.core.aepo.KlConfig;
import dev.ares.core.aepo.PolicyLossConfig;

/**
 * Benchmark (not a test): forward + backward of {@link AepoLoss} on random float32 log-probabilities of shape
 * {@code [B, T]} on the CPU, i.e. the loss-head cost of one learner micro-batch excluding the model. Prints the
 * median of the timed repetitions in milliseconds. Arguments: {@code B T reps} (default 8 4096 20).
 */
public final class LossBench {
    private LossBench() {
    }

    /** @param args optional {@code B T reps} */
    public static void main(String[] args) {
        int b = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int t = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            m.getEngine().setRandomSeed(7);
            Shape bt = new Shape(b, t);
            NDArray logp = m.randomUniform(-4f, -0.05f, bt);
            NDArray old = logp.add(m.randomNormal(0f, 0.3f, bt, DataType.FLOAT32));
            NDArray ref = logp.add(m.randomNormal(0f, 0.5f, bt, DataType.FLOAT32));
            NDArray adv = m.randomNormal(0f, 1f, new Shape(b), DataType.FLOAT32);
            NDArray mask = m.randomUniform(0f, 1f, bt).lt(0.9f);
            NDArray window = m.randomUniform(0f, 1f, bt).lt(0.2f);
            NDArray beta = m.ones(new Shape(b));
            long[] ns = new long[reps];
            for (int i = -3; i < reps; i++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray x = logp.duplicate();
                    x.attach(s);
                    x.setRequiresGradient(true);
                    long start = System.nanoTime();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        AepoLoss.Result res = AepoLoss.compute(new AepoLoss.Inputs(x, old, ref, adv, mask, window,
                                beta), PolicyLossConfig.paper(), KlConfig.paper());
                        gc.backward(res.loss());
                    }
                    x.getGradient().sum().getFloat();
                    if (i >= 0) {
                        ns[i] = System.nanoTime() - start;
                    }
                }
            }
            java.util.Arrays.sort(ns);
            System.out.printf("AepoLoss forward+backward B=%d T=%d float32 CPU: median %.2f ms (min %.2f) over %d reps%n",
                    b, t, ns[reps / 2] / 1e6, ns[0] / 1e6, reps);
        }
    }
}
