package dev.ares.core.aepo;

/**
 * Per-response reasoning statistics for serving (architecture.md §7, the {@code ares} object of a completion): the
 * number of HWE events at a fixed threshold (spec §3.3: a trigger token whose forward window entropy is at or above
 * tau) and the mean token entropy.
 *
 * @param hweCount    HWE events in the response
 * @param meanEntropy mean of the per-token entropies (nats), 0 for an empty response
 */
public record ResponseStats(int hweCount, double meanEntropy) {

    /**
     * @param entropies per-token entropies of one response (nats), length T
     * @param triggers  per-token trigger flags of the sampled tokens, length T
     * @param window    window size W (spec §2, default {@link AepoConfig#window()})
     * @param mode      window mode of the reading
     * @param tau       the HWE threshold (nats)
     */
    public static ResponseStats of(float[] entropies, boolean[] triggers, int window, Windows.Mode mode, double tau) {
        if (entropies.length != triggers.length) {
            throw new IllegalArgumentException("entropies has length " + entropies.length + " but triggers has length "
                    + triggers.length);
        }
        int t = entropies.length;
        if (t == 0) {
            return new ResponseStats(0, 0.0);
        }
        boolean[] mask = new boolean[t];
        java.util.Arrays.fill(mask, true);
        Windows.Result w = Windows.windowMean(entropies, mask, 1, t, window, mode);
        boolean[] events = HweEvents.hweEvents(w.mean(), w.valid(), triggers, tau);
        int count = 0;
        for (boolean e : events) {
            if (e) {
                count++;
            }
        }
        double sum = 0;
        for (float h : entropies) {
            sum += h;
        }
        return new ResponseStats(count, sum / t);
    }
}
