package dev.ares.core.aepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Seeded property checks of the invariants listed in issue 4 "Acceptance". */
class AepoPropertyTest {

    static long[] seeds() {
        long[] s = new long[40];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0x5EED0000L + 7919L * i;
        }
        return s;
    }

    private static float[] entropies(SplittableRandom rnd, int len) {
        float[] h = new float[len];
        for (int i = 0; i < len; i++) {
            h[i] = (float) (rnd.nextDouble() < 0.1 ? 1 + 3 * rnd.nextDouble() : 0.6 * rnd.nextDouble());
        }
        return h;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void windowMeansLieWithinTheirEntropies(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int len = 1 + rnd.nextInt(200);
        int w = 1 + rnd.nextInt(12);
        float[] h = entropies(rnd, len);
        for (Windows.Mode mode : Windows.Mode.values()) {
            double[] m = Windows.windowMean(h, w, mode);
            assertEquals(mode.validCount(len, w), m.length);
            for (int i = 0; i < m.length; i++) {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                double sum = 0;
                for (int p = mode.start(i); p < mode.start(i) + w; p++) {
                    lo = Math.min(lo, h[p]);
                    hi = Math.max(hi, h[p]);
                    sum += h[p];
                }
                assertTrue(m[i] >= lo - 1e-9 && m[i] <= hi + 1e-9, "window " + i + " mean outside its min/max");
                assertEquals(sum / w, m[i], 1e-9, "prefix-sum mean differs from the direct sum");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void blockedPrefixSumsMatchTheSequentialSumOnLongResponses(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int len = 200 + rnd.nextInt(5000);
        int offset = rnd.nextInt(10);
        float[] h = entropies(rnd, len + offset);
        double[] p = new double[len + 1];
        Windows.prefix(h, offset, len, p);
        double acc = 0;
        for (int i = 0; i < len; i++) {
            acc += h[offset + i];
            assertEquals(acc, p[i + 1], 1e-9 * Math.max(1, acc), "prefix " + (i + 1) + " of " + len);
        }
        double[] out = new double[len + 1];
        double[] range = new double[2];
        int w = 1 + rnd.nextInt(8);
        int n = Windows.windowMean(h, offset, len, w, Windows.Mode.FORWARD_EXCLUSIVE, new double[len + 1], out, range);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double direct = 0;
            for (int k = 1; k <= w; k++) {
                direct += h[offset + i + k];
            }
            assertEquals(direct / w, out[i], 1e-9);
            lo = Math.min(lo, out[i]);
            hi = Math.max(hi, out[i]);
        }
        assertEquals(lo, range[0], 0.0);
        assertEquals(hi, range[1], 0.0);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void hweCountIsNonIncreasingInTau(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int len = 5 + rnd.nextInt(300);
        float[] h = entropies(rnd, len);
        boolean[] trig = new boolean[len];
        for (int i = 0; i < len; i++) {
            trig[i] = rnd.nextDouble() < 0.2;
        }
        for (HweEvents.Rule rule : HweEvents.Rule.values()) {
            double[] m = Windows.windowMean(h, 4, Windows.Mode.FORWARD_EXCLUSIVE);
            int prev = Integer.MAX_VALUE;
            for (double tau = -0.5; tau <= 4.5; tau += 0.05) {
                int c = HweEvents.countSequence(h, trig, 0, len, m, m.length, tau, rule, null).count();
                assertTrue(c <= prev, "count rose from " + prev + " to " + c + " at tau " + tau + " (" + rule + ")");
                prev = c;
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void advantagesSumToZeroWithinEachGroup(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int groups = 1 + rnd.nextInt(10);
        int size = 1 + rnd.nextInt(16);
        double[] r = new double[groups * size];
        int[] gid = new int[r.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextDouble() < 0.3 ? 1.0 : rnd.nextDouble() * 1.5 - 0.3;
            gid[i] = i / size;
        }
        double[] a = Advantages.grpoAdvantage(r, gid, groups, 1e-6, true);
        double[] b = new double[r.length];
        for (int g = 0; g < groups; g++) {
            double s = 0;
            for (int i = g * size; i < (g + 1) * size; i++) {
                s += a[i];
            }
            assertEquals(0.0, s, 1e-9, "group " + g);
            Advantages.grpoGroup(r, g * size, size, 1e-6, true, b);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 1e-12);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void k3IsNonNegativeAndBounded(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 500; i++) {
            double lp = -rnd.nextDouble() * 40;
            double ref = -rnd.nextDouble() * 40;
            double k = KlDivergence.k3(lp, ref);
            assertTrue(k >= 0 && k <= 10, "k3(" + lp + ", " + ref + ") = " + k);
            assertTrue(KlDivergence.estimate(KlDivergence.Estimator.K2, lp, ref) >= 0);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void shapingStaysWithinItsCapAndKeepsCorrectAboveIncorrect(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ShapingConstants c = ShapingConstants.official();
        for (int i = 0; i < 500; i++) {
            int d = rnd.nextInt(3);
            double alpha = rnd.nextDouble() * 2.0;
            int n = rnd.nextInt(120);
            double t = rnd.nextInt(80);
            double cap = alpha * c.capScale().get(d);
            for (boolean guard : new boolean[] {false, true}) {
                double e1 = EntropyShaping.codeTerm(d, true, n, t, alpha, c, guard);
                double e0 = EntropyShaping.codeTerm(d, false, n, t, alpha, c, guard);
                assertTrue(Math.abs(e1) <= cap + 1e-12 && Math.abs(e0) <= cap + 1e-12,
                        "|E| exceeds the cap " + cap + ": " + e1 + ", " + e0);
                if (guard) {
                    // B10 guard: no correct answer scores below any incorrect one of the same bucket
                    double worstCorrect = 1 + EntropyShaping.codeTerm(d, true, rnd.nextInt(200), t, alpha, c, true);
                    double bestIncorrect = c.incorrectScale().get(d) * cap;
                    assertTrue(worstCorrect >= bestIncorrect - 1e-12);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void bucketsFollowThePassRateThresholds(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int g = 1 + rnd.nextInt(16);
        for (int k = 0; k <= g; k++) {
            boolean[] acc = new boolean[g];
            for (int j = 0; j < k; j++) {
                acc[j] = true;
            }
            double p = Buckets.passRate(acc, new int[g], 1)[0];
            Bucket b = Buckets.bucket(p, 2.0 / 3.0, 1.0 / 3.0);
            // integer form: easy iff 3k >= 2g, medium iff 3k >= g
            Bucket expected = 3 * k >= 2 * g ? Bucket.EASY : (3 * k >= g ? Bucket.MEDIUM : Bucket.HARD);
            assertEquals(expected, b, "k = " + k + " of " + g);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void quickselectQuantileEqualsSortedInterpolation(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 1 + rnd.nextInt(500);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(4) == 0 ? 1.0 : rnd.nextDouble(); // with ties
        }
        double q = rnd.nextDouble();
        double[] sorted = v.clone();
        java.util.Arrays.sort(sorted);
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        double expected = lo + 1 < n ? sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
        assertEquals(expected, Quantiles.quantile(v, q), 1e-12);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void histogramQuantileIsExact(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 256 + rnd.nextInt(6000);
        double[] v = new double[n];
        int shape = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            v[i] = switch (shape) {
                case 0 -> rnd.nextDouble();
                case 1 -> (double) i / n; // sorted, one value per bin boundary region
                case 2 -> rnd.nextInt(3); // heavy ties
                case 3 -> i < n / 2 ? 0.0 : 5.0 + rnd.nextDouble(); // bimodal, upper half at the end
                default -> rnd.nextDouble() < 0.01 ? 1e6 * rnd.nextDouble() : rnd.nextDouble(); // extreme outliers
            };
        }
        double q = rnd.nextInt(3) == 0 ? rnd.nextDouble() : 0.8 + 0.2 * rnd.nextDouble();
        double[] copy = v.clone();
        double[] sorted = v.clone();
        java.util.Arrays.sort(sorted);
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        double expected = lo + 1 < n ? sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
        assertEquals(expected, Quantiles.quantile(v, n, q, new double[n]), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(copy, v, "the source must stay unchanged");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void batchWindowFormAgreesWithTheSequenceForm(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int b = 1 + rnd.nextInt(5);
        int t = 8 + rnd.nextInt(40);
        int w = 1 + rnd.nextInt(6);
        float[] h = entropies(rnd, b * t);
        boolean[] mask = new boolean[b * t];
        int[] len = new int[b];
        for (int r = 0; r < b; r++) {
            len[r] = rnd.nextInt(t + 1);
            for (int i = 0; i < len[r]; i++) {
                mask[r * t + i] = true;
            }
        }
        for (Windows.Mode mode : Windows.Mode.values()) {
            Windows.Result res = Windows.windowMean(h, mask, b, t, w, mode);
            for (int r = 0; r < b; r++) {
                double[] prefix = new double[t + 1];
                double[] out = new double[t + 1];
                int n = Windows.windowMean(h, r * t, len[r], w, mode, prefix, out);
                for (int i = 0; i < t; i++) {
                    assertEquals(i < n, res.valid()[r * t + i], "valid r=" + r + " i=" + i);
                    if (i < n) {
                        assertEquals(out[i], res.mean()[r * t + i], 1e-9);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void clippedSurrogateMatchesItsCaseAnalysis(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            double old = -rnd.nextDouble() * 5;
            double lp = old + (rnd.nextDouble() - 0.5) * 2;
            double a = (rnd.nextDouble() - 0.5) * 4;
            double r = Math.exp(lp - old);
            double rc = Math.min(1.3, Math.max(0.8, r));
            double expected = Math.max(-a * r, -a * rc);
            if (a < 0) {
                expected = Math.min(expected, -3.0 * a);
            }
            assertEquals(expected, PolicyLoss.tokenLoss(lp, old, a, 0.2, 0.3, 3.0), 1e-9);
        }
    }
}
