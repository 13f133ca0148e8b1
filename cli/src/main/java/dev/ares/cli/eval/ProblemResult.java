package dev.ares.cli.eval;

import dev.ares.core.aepo.Bucket;
import java.util.List;

/**
 * The graded responses of one evaluated problem.
 *
 * @param id       problem id ({@code family-Ln-hash})
 * @param family   task family name
 * @param level    difficulty level 1..5
 * @param answer   reference answer
 * @param userText the user turn sent to the model (ARES prompt format)
 * @param samples  the k graded responses, in sampling order
 */
public record ProblemResult(String id, String family, int level, String answer, String userText,
                            List<GradedResponse> samples) {

    /**
     * One graded response.
     *
     * @param text    decoded response
     * @param tokens  response length in generated tokens
     * @param correct verdict of {@code AnswerVerifier.grade(text, answer)}
     * @param method  how the verifier decided ({@code numeric}, {@code missing}, ...)
     */
    public record GradedResponse(String text, int tokens, boolean correct, String method) {
    }

    public ProblemResult {
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("problem " + id + " has no samples");
        }
    }

    /** Number of correct samples. */
    public int correct() {
        return (int) samples.stream().filter(GradedResponse::correct).count();
    }

    /** Measured pass rate: correct / k. */
    public double passRate() {
        return (double) correct() / samples.size();
    }

    /** The pass-rate bucket of spec §5 ({@link PassRateBuckets}). */
    public Bucket bucket() {
        return PassRateBuckets.of(correct(), samples.size());
    }
}
