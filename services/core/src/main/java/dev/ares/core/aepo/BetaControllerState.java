package dev.ares.core.aepo;

/**
 * State of the official per-bucket log-β controller (spec §7.2), explicit so it is checkpointed and shared
 * across ranks (fixing bug B3).
 *
 * @param easy easy bucket
 * @param medium medium bucket
 * @param hard hard bucket
 * @param ticks number of controller calls so far
 */
public record BetaControllerState(BetaBucket easy, BetaBucket medium, BetaBucket hard, long ticks) {

    /** @return the initial state from {@link KlConfig#betaInit()} */
    public static BetaControllerState initial(KlConfig cfg) {
        return new BetaControllerState(BetaBucket.initial(cfg.betaInit().easy()),
                BetaBucket.initial(cfg.betaInit().medium()), BetaBucket.initial(cfg.betaInit().hard()), 0);
    }

    /** @return β per bucket */
    public BucketValues betas() {
        return new BucketValues(easy.beta(), medium.beta(), hard.beta());
    }
}
