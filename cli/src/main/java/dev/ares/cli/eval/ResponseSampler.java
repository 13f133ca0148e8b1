package dev.ares.cli.eval;

import java.util.List;

/** Produces k responses to one user turn; the evaluator's only view of a model. */
@FunctionalInterface
public interface ResponseSampler {

    /**
     * One generated response.
     *
     * @param text   the decoded response text
     * @param tokens number of generated tokens (the response length, end-of-sequence token included when emitted)
     */
    record Response(String text, int tokens) {
        public Response {
            if (text == null) {
                throw new IllegalArgumentException("response text must not be null");
            }
            if (tokens < 0) {
                throw new IllegalArgumentException("response tokens must be >= 0, got " + tokens);
            }
        }
    }

    /**
     * @param userText the user turn (the ARES prompt format of the problem), rendered by the sampler's chat template
     * @param k        number of responses, ≥ 1
     * @param seed     sampling seed of this problem
     * @return exactly k responses
     */
    List<Response> sample(String userText, int k, long seed);

    /**
     * k responses to a user turn with images (a vision-language model). The default refuses: a sampler takes
     * text only unless it says otherwise.
     *
     * @param userText the user turn with one EasyR1 {@code <image>} placeholder per image
     * @param images   encoded images (PNG), in placeholder order
     * @throws IllegalArgumentException when the sampler takes text only
     */
    default List<Response> sampleWithImages(String userText, List<byte[]> images, int k, long seed) {
        throw new IllegalArgumentException("the problem has " + images.size() + " image(s) but "
                + getClass().getSimpleName() + " takes text only");
    }
}
