package dev.ares.core.data;

/**
 * One candidate response for a problem (for the synthetic curriculum: one verbosity variant of its trace).
 *
 * @param response  the assistant text, e.g. {@code "<think>\n...\n</think> \boxed{42}"}
 * @param verbosity the trace verbosity it was written at (0..4), or -1 when unknown (external data)
 * @param length    its length in the pool's length unit (tokens of the tokenizer the caller counted with)
 */
public record CsOption(String response, int verbosity, int length) {
    /** Rejects a null response or a negative length. */
    public CsOption {
        if (response == null || length < 0) {
            throw new IllegalArgumentException("option needs a response and a length >= 0, got length " + length);
        }
    }
}
