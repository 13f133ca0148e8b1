package dev.ares.core.aepo;

/**
 * High-window-entropy (HWE) events (spec §3, §14 {@code hwe_events}, {@code hwe_count}, {@code hwe_window_mask}).
 */
public final class HweEvents {
    private HweEvents() {
    }

    /** Which of the spec's HWE definitions is applied (spec §3.1, §3.2, §15 Example 2). */
    public enum Rule {
        /** Official code and §3.3: a trigger token whose complete window mean is ≥ τ. */
        WINDOW_TRIGGER,
        /** Paper App. H: a trigger token whose own entropy H_t is ≥ τ. */
        TOKEN_TRIGGER,
        /** Paper Alg. 1: any position whose complete window mean is ≥ τ (no trigger filter). */
        WINDOW_ONLY
    }

    /**
     * Per-response HWE statistics.
     *
     * @param count N_HE, the number of events
     * @param invalidTriggers triggers with a complete window whose mean is below τ (logged by the official code)
     * @param softCost Σ max(0, H̄ − τ) over triggers with a complete window, nats (official {@code reasoning_soft_cost})
     */
    public record SeqStats(int count, int invalidTriggers, double softCost) {
    }

    /**
     * Event mask m = valid ∧ is_trigger ∧ (H̄ ≥ τ) for a padded batch (spec §14; rule {@link Rule#WINDOW_TRIGGER}).
     *
     * @param hbar [B·T] window means
     * @param valid [B·T] complete-window flags
     * @param isTrigger [B·T] trigger flags of the sampled tokens
     * @param tau threshold, nats
     * @return m[B·T]
     */
    public static boolean[] hweEvents(double[] hbar, boolean[] valid, boolean[] isTrigger, double tau) {
        Checks.length(valid.length, hbar.length, "valid");
        Checks.length(isTrigger.length, hbar.length, "isTrigger");
        boolean[] m = new boolean[hbar.length];
        for (int i = 0; i < hbar.length; i++) {
            m[i] = valid[i] && isTrigger[i] && hbar[i] >= tau;
        }
        return m;
    }

    /**
     * N_HE per response (spec §14 {@code hwe_count}).
     *
     * @param m [B·T] event mask
     * @param b number of responses
     * @param t padded length
     * @return N[B]
     */
    public static int[] hweCount(boolean[] m, int b, int t) {
        Checks.length(m.length, b * t, "m");
        int[] n = new int[b];
        for (int r = 0; r < b; r++) {
            int c = 0;
            for (int i = 0; i < t; i++) {
                if (m[r * t + i]) {
                    c++;
                }
            }
            n[r] = c;
        }
        return n;
    }

    /**
     * Tokens covered by validated windows: the union of the windows of all events (spec §14
     * {@code hwe_window_mask}; the paper leaves it undefined, the spec recommends the union). For the
     * exclusive mode an event at i covers i+1 .. i+w, for the inclusive mode i .. i+w−1.
     *
     * @param m [B·T] event mask
     * @param b number of responses
     * @param t padded length
     * @param w window width
     * @param mode window placement
     * @return W[B·T]
     */
    public static boolean[] hweWindowMask(boolean[] m, int b, int t, int w, Windows.Mode mode) {
        Checks.length(m.length, b * t, "m");
        Checks.positive(w, "w");
        boolean[] out = new boolean[b * t];
        for (int r = 0; r < b; r++) {
            int coveredUntil = 0; // exclusive end of what is already marked; each position is marked once
            for (int i = 0; i < t; i++) {
                if (!m[r * t + i]) {
                    continue;
                }
                int s = Math.max(mode.start(i), coveredUntil);
                int e = Math.min(t, mode.start(i) + w);
                for (int p = s; p < e; p++) {
                    out[r * t + p] = true;
                }
                coveredUntil = Math.max(coveredUntil, e);
            }
        }
        return out;
    }

    /**
     * Counts events of one contiguous response (the scorer's per-trajectory form).
     *
     * @param h token entropies, nats (positions offset .. offset+len−1)
     * @param triggers trigger flags of the sampled tokens (same positions)
     * @param offset first position
     * @param len response length
     * @param means window means of anchors 0 .. nValid−1 (from {@link Windows})
     * @param nValid number of anchors with a complete window
     * @param tau threshold, nats
     * @param rule HWE definition
     * @param eventsOut when non-null receives the event flags of positions 0 .. len−1
     * @return count, and over the triggers with a complete window (whatever the rule) the invalid count and
     *     the soft cost
     */
    public static SeqStats countSequence(float[] h, boolean[] triggers, int offset, int len, double[] means,
                                         int nValid, double tau, Rule rule, boolean[] eventsOut) {
        int invalid = 0;
        double soft = 0.0;
        for (int i = 0; i < nValid; i++) {
            if (triggers[offset + i]) {
                if (means[i] >= tau) {
                    soft += means[i] - tau;
                } else {
                    invalid++;
                }
            }
        }
        int count = 0;
        if (rule == Rule.TOKEN_TRIGGER) {
            for (int i = 0; i < len; i++) {
                if (triggers[offset + i] && h[offset + i] >= tau) {
                    count++;
                    if (eventsOut != null) {
                        eventsOut[i] = true;
                    }
                }
            }
        } else {
            boolean needTrigger = rule == Rule.WINDOW_TRIGGER;
            for (int i = 0; i < nValid; i++) {
                if (means[i] >= tau && (!needTrigger || triggers[offset + i])) {
                    count++;
                    if (eventsOut != null) {
                        eventsOut[i] = true;
                    }
                }
            }
        }
        return new SeqStats(count, invalid, soft);
    }

    /**
     * Merged spans of the tokens covered by the windows of the events of one response.
     *
     * @param events event flags of positions 0 .. len−1
     * @param len response length
     * @param w window width (1 for {@link Rule#TOKEN_TRIGGER}, whose event is the single token)
     * @param mode window placement
     * @return flattened [start0, end0, start1, end1, …], ends exclusive, sorted and non-overlapping
     */
    public static int[] windowSpans(boolean[] events, int len, int w, Windows.Mode mode) {
        int[] buf = new int[8];
        int n = 0;
        int curS = -1;
        int curE = -1;
        for (int i = 0; i < len; i++) {
            if (!events[i]) {
                continue;
            }
            int s = mode.start(i);
            int e = Math.min(len, s + w);
            if (curS >= 0 && s <= curE) {
                curE = Math.max(curE, e);
            } else {
                if (curS >= 0) {
                    if (n + 2 > buf.length) {
                        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    }
                    buf[n++] = curS;
                    buf[n++] = curE;
                }
                curS = s;
                curE = e;
            }
        }
        if (curS >= 0) {
            if (n + 2 > buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length + 2);
            }
            buf[n++] = curS;
            buf[n++] = curE;
        }
        return java.util.Arrays.copyOf(buf, n);
    }
}
