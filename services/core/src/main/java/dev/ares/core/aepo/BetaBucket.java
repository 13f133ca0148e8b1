package dev.ares.core.aepo;

/**
 * Log-β controller state of one bucket (spec §7.2).
 *
 * @param logBeta log β_d
 * @param klEma KL̂, EMA of the sequence-mean k3 (nats per token)
 * @param errEma ê, EMA of the relative error
 * @param klInitialized whether KL̂ has been initialised
 */
public record BetaBucket(double logBeta, double klEma, double errEma, boolean klInitialized) {

    /** @return β_d = exp(logBeta) */
    public double beta() {
        return Math.exp(logBeta);
    }

    /** @return the initial state for β_d = {@code beta} */
    public static BetaBucket initial(double beta) {
        return new BetaBucket(Math.log(beta), 0.0, 0.0, false);
    }
}
