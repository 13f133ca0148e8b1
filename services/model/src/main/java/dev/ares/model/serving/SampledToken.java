package dev.ares.model.serving;

import dev.ares.model.generation.TokenAlternative;

/**
 * One token drawn for one sequence at one decode step (the per-row scalars of
 * {@link dev.ares.model.generation.TokenSampler.Step}).
 *
 * @param id             token id
 * @param sampledLogprob log-probability under the distribution it was drawn from (0 for greedy)
 * @param modelLogprob   log-probability under the untruncated model distribution at temperature 1
 * @param entropy        exact entropy (nats) of the full distribution at the sampling temperature
 * @param alternatives   most likely tokens at this position (empty unless asked)
 * @param eos            true when it is an end-of-sequence id (it ends the sequence and adds no text)
 */
public record SampledToken(int id, float sampledLogprob, float modelLogprob, float entropy,
                           TokenAlternative[] alternatives, boolean eos) {
}
