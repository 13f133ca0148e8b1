package dev.ares.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * A seeded random micro-batch as primitive arrays (for the core reference) and float64 NDArrays (for the code under
 * test). Log-ratios spread over roughly ±1.5 so that both clip bounds and the dual clip are hit; some rows are fully
 * masked; a few log-ratios are extreme so that the ±20 clamps are hit.
 */
final class RandomBatch {
    final int b;
    final int t;
    final double[] logp;
    final double[] old;
    final double[] ref;
    final double[] advSeq;
    final double[] advTok;
    final boolean[] mask;
    final boolean[] window;
    final double[] beta;

    RandomBatch(long seed) {
        Random rnd = new Random(seed);
        b = 1 + rnd.nextInt(5);
        t = 1 + rnd.nextInt(9);
        int n = b * t;
        logp = new double[n];
        old = new double[n];
        ref = new double[n];
        advTok = new double[n];
        mask = new boolean[n];
        window = new boolean[n];
        advSeq = new double[b];
        beta = new double[b];
        boolean extreme = rnd.nextInt(4) == 0;
        for (int r = 0; r < b; r++) {
            advSeq[r] = rnd.nextGaussian() * 1.5;
            beta[r] = 0.1 + 2 * rnd.nextDouble();
            boolean rowMasked = rnd.nextInt(5) == 0;
            int len = rowMasked ? 0 : 1 + rnd.nextInt(t);
            for (int i = 0; i < t; i++) {
                int k = r * t + i;
                logp[k] = -0.05 - 4 * rnd.nextDouble();
                old[k] = logp[k] - rnd.nextGaussian() * 0.6;
                ref[k] = logp[k] - rnd.nextGaussian() * (extreme ? 15 : 1.2);
                advTok[k] = rnd.nextGaussian() * 1.5;
                mask[k] = i < len;
                window[k] = rnd.nextInt(3) == 0;
            }
        }
    }

    NDArray bt(NDManager m, double[] x) {
        return m.create(x, new Shape(b, t));
    }

    NDArray bt(NDManager m, boolean[] x) {
        return m.create(x, new Shape(b, t));
    }

    NDArray seq(NDManager m, double[] x) {
        return m.create(x, new Shape(b));
    }

    /** The [B] advantages broadcast to [B·T], the layout the core reference takes. */
    double[] advSeqBroadcast() {
        double[] out = new double[b * t];
        for (int k = 0; k < out.length; k++) {
            out[k] = advSeq[k / t];
        }
        return out;
    }
}
