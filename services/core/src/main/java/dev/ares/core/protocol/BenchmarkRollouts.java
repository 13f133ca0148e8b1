package dev.ares.core.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Realistic synthetic rollout groups for {@link CodecBenchmark} and the codec tests. Per token it simulates a
 * next-token distribution over 64 candidates whose sharpness is drawn from a mixture (mostly confident steps, some
 * uncertain ones, as in LLM reasoning traces), then computes from it, exactly as the sampler does: the entropy of
 * the untruncated distribution, the sampled token, its behaviour logprob under the truncated sampling
 * distribution (temperature, top-p) and its temperature-1 logprob. Token ids are Zipf-distributed ranks over a
 * 151,643-token vocabulary mapped through a fixed random permutation (so ids are spread over the whole range, the
 * pessimistic case for varints). About 2% of tokens are triggers. Text is ~4 characters per token.
 */
final class BenchmarkRollouts {
    static final int VOCAB = 151_643;
    private static final int CANDIDATES = 64;
    private static final String[] WORDS = {"the", "so", "we", "need", "to", "find", "x", "wait", "but", "then",
        "let", "me", "check", "value", "is", "equal", "sum", "of", "and", "therefore", "answer", "first", "compute",
        "hmm", "because", "number", "2", "3", "10", "+", "=", "actually", "step"};

    private final SplittableRandom rnd;
    private final int[] permutation;
    private final double[] zipfCdf;

    BenchmarkRollouts(long seed) {
        this.rnd = new SplittableRandom(seed);
        this.permutation = new int[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            permutation[i] = i;
        }
        SplittableRandom p = new SplittableRandom(0xA5E5L);
        for (int i = VOCAB - 1; i > 0; i--) {
            int j = p.nextInt(i + 1);
            int t = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = t;
        }
        zipfCdf = new double[VOCAB];
        double acc = 0;
        for (int r = 0; r < VOCAB; r++) {
            acc += 1.0 / Math.pow(r + 1, 1.07);
            zipfCdf[r] = acc;
        }
        for (int r = 0; r < VOCAB; r++) {
            zipfCdf[r] /= acc;
        }
    }

    /**
     * A group of {@code n} trajectories of {@code tokens} tokens each.
     *
     * @param sampling       sampling parameters; when untruncated with temperature 1 the two logprob arrays agree
     * @param charsPerToken  characters of text per token (0 for no text)
     */
    RolloutGroup group(String groupId, int n, int tokens, SamplingParams sampling, int charsPerToken) {
        List<Trajectory> trajectories = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            trajectories.add(trajectory(groupId + "-t" + t, tokens, sampling, charsPerToken));
        }
        int[] prompt = new int[200];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = tokenId();
        }
        return new RolloutGroup("run-bench", 7, 512, groupId, "req-" + groupId, "42", "synthetic/arith", sampling, prompt,
                trajectories);
    }

    Trajectory trajectory(String id, int tokens, SamplingParams sampling, int charsPerToken) {
        int[] ids = new int[tokens];
        float[] sampled = new float[tokens];
        float[] model = new float[tokens];
        float[] entropies = new float[tokens];
        boolean[] triggers = new boolean[tokens];
        double[] logits = new double[CANDIDATES];
        double[] p = new double[CANDIDATES];
        double[] q = new double[CANDIDATES];
        Integer[] order = new Integer[CANDIDATES];
        for (int i = 0; i < tokens; i++) {
            double scale = rnd.nextDouble() < 0.7 ? 4.0 + 4.0 * rnd.nextDouble() : 0.3 + 2.5 * rnd.nextDouble();
            for (int k = 0; k < CANDIDATES; k++) {
                logits[k] = scale * gaussian();
            }
            softmax(logits, 1.0, p);
            double h = 0;
            for (double pk : p) {
                if (pk > 0) {
                    h -= pk * Math.log(pk);
                }
            }
            softmax(logits, sampling.temperature(), q);
            truncateTopP(q, sampling.topP(), order);
            int k = sample(q);
            ids[i] = tokenId();
            sampled[i] = (float) Math.min(0.0, Math.log(q[k]));
            model[i] = (float) Math.min(0.0, Math.log(p[k]));
            entropies[i] = (float) Math.max(0.0, h);
            triggers[i] = rnd.nextDouble() < 0.02;
        }
        String text = text(tokens * charsPerToken);
        return new Trajectory(id, ids, text, sampled, model, entropies, triggers, null, -1, FinishReason.EOS, 3,
                new Timings(1234, 200, tokens));
    }

    private int tokenId() {
        int r = Arrays.binarySearch(zipfCdf, rnd.nextDouble());
        int rank = r >= 0 ? r : Math.min(VOCAB - 1, -r - 1);
        return permutation[rank];
    }

    private String text(int chars) {
        StringBuilder sb = new StringBuilder(chars + 16);
        while (sb.length() < chars) {
            sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        }
        sb.setLength(chars);
        return sb.toString();
    }

    private double gaussian() {
        double u = Math.max(rnd.nextDouble(), 1e-300);
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    private static void softmax(double[] logits, double temperature, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double z = 0;
        for (int k = 0; k < logits.length; k++) {
            out[k] = Math.exp((logits[k] - max) / temperature);
            z += out[k];
        }
        for (int k = 0; k < logits.length; k++) {
            out[k] /= z;
        }
    }

    private static void truncateTopP(double[] q, double topP, Integer[] order) {
        if (topP >= 1.0) {
            return;
        }
        for (int k = 0; k < q.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Double.compare(q[b], q[a]));
        double mass = 0;
        int keep = 0;
        while (keep < q.length && mass < topP) {
            mass += q[order[keep]];
            keep++;
        }
        for (int i = keep; i < q.length; i++) {
            q[order[i]] = 0;
        }
        for (int k = 0; k < q.length; k++) {
            q[k] /= mass;
        }
    }

    private int sample(double[] q) {
        double u = rnd.nextDouble();
        double acc = 0;
        int last = 0;
        for (int k = 0; k < q.length; k++) {
            if (q[k] > 0) {
                acc += q[k];
                last = k;
                if (u < acc) {
                    return k;
                }
            }
        }
        return last;
    }
}
