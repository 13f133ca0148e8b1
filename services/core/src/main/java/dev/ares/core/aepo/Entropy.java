package dev.ares.core.aepo;

/**
 * Per-position entropy of the policy's next-token distribution (spec §2, §14 "Entropy and windows").
 * All entropies are in nats (natural logarithm).
 */
public final class Entropy {
    private Entropy() {
    }

    /** How the probability mass outside the returned top-k tokens is treated (spec §2.2). */
    public enum Tail {
        /** Add one tail bucket −p_tail·log(max(p_tail, 1e−12)) when p_tail = 1 − Σ top-k p &gt; 0 (official rollout). */
        BUCKET,
        /** Truncated entropy over the top-k only (official percentile routine). */
        NONE
    }

    /**
     * Exact entropy H_t = −Σ_j p_{t,j} log p_{t,j} with p_t = softmax(z_t / temperature) (paper App. B, Eq. 3).
     *
     * @param logits row-major [rows, vocab] logits z (any finite floats)
     * @param rows number of positions (B·T flattened)
     * @param vocab vocabulary size V
     * @param temperature decoding temperature T &gt; 0
     * @return H[rows] in nats, each in [0, log V]
     */
    public static double[] tokenEntropy(float[] logits, int rows, int vocab, double temperature) {
        Checks.positive(rows, "rows");
        Checks.positive(vocab, "vocab");
        Checks.length(logits.length, rows * vocab, "logits");
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new AepoInputException("temperature must be finite and > 0, got " + temperature);
        }
        double[] out = new double[rows];
        double inv = 1.0 / temperature;
        for (int r = 0; r < rows; r++) {
            int base = r * vocab;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) {
                max = Math.max(max, logits[base + j] * inv);
            }
            // H = log Z - Σ p·(z - max) with Z = Σ exp(z - max)
            double z = 0.0;
            double weighted = 0.0;
            for (int j = 0; j < vocab; j++) {
                double s = logits[base + j] * inv - max;
                double e = Math.exp(s);
                z += e;
                weighted += e * s;
            }
            double h = Math.log(z) - weighted / z;
            out[r] = Math.max(0.0, h);
        }
        return out;
    }

    /**
     * Top-k approximation of the entropy from returned log-probabilities (spec §2.2, the vLLM estimator).
     *
     * @param logprobsTopk row-major [rows, k] natural-log probabilities of the top-k tokens of each position;
     *                     {@code -Infinity} entries are treated as absent
     * @param rows number of positions
     * @param k number of returned tokens per position
     * @param tail whether to add the tail bucket
     * @return H[rows] in nats
     */
    public static double[] topkEntropy(float[] logprobsTopk, int rows, int k, Tail tail) {
        Checks.positive(rows, "rows");
        Checks.positive(k, "k");
        Checks.length(logprobsTopk.length, rows * k, "logprobsTopk");
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double h = 0.0;
            double mass = 0.0;
            for (int j = 0; j < k; j++) {
                double lp = logprobsTopk[r * k + j];
                if (lp == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                if (Double.isNaN(lp) || lp > 1e-6) {
                    throw new AepoInputException("logprobsTopk[" + r + "," + j + "] is not a log-probability: " + lp);
                }
                double p = Math.exp(lp);
                mass += p;
                h -= p * lp;
            }
            if (tail == Tail.BUCKET) {
                double pTail = Math.max(0.0, 1.0 - mass);
                if (pTail > 0) {
                    h -= pTail * Math.log(Math.max(pTail, 1e-12));
                }
            }
            out[r] = h;
        }
        return out;
    }
}
