package dev.ares.model.generation;

/**
 * One of the most likely tokens at a generated position.
 *
 * @param id      token id
 * @param logprob natural-log probability under the untruncated model distribution at temperature 1
 */
public record TokenAlternative(int id, float logprob) {
}
