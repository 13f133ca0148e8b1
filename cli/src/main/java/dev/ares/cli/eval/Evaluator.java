package dev.ares.cli.eval;

import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Modality;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Task;
import dev.ares.core.tasks.TaskFamilies;
import dev.ares.core.tasks.TaskFamily;
import dev.ares.core.verify.AnswerVerifier;
import dev.ares.core.verify.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluation of a model on the built-in curriculum (issue 5 item 6): draws up to n distinct problems per
 * (family, level) of one split, sends each in a {@link PromptFormat} (the ARES instruction by default, or the bare
 * question the demo model is fine-tuned on) to a {@link ResponseSampler}, grades every response with {@link AnswerVerifier#grade(String, String)} against the
 * problem's answer and collects an {@link EvalReport}.
 */
public final class Evaluator {
    /** Draws looked at per wanted problem before a (family, level) is declared exhausted. */
    static final int DRAWS_PER_PROBLEM = 50;

    private Evaluator() {
    }

    /**
     * The evaluation set: for each family and level, {@code n} distinct problems of {@code split}
     * ({@link Curriculum#takeDistinct}, seeded by {@code seed}); fewer when that (family, level) has fewer in the
     * split (level-1 addition holds about 8 held-out problems).
     *
     * @throws IllegalArgumentException for an unknown family, a level outside 1..5 or n < 1
     */
    public static List<Problem> draw(List<String> families, List<Integer> levels, Split split, int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        List<Problem> out = new ArrayList<>();
        for (String family : families) {
            TaskFamily f = TaskFamilies.byName(family);
            for (int level : levels) {
                TaskFamily.checkLevel(f.name(), level);
                Curriculum c = Curriculum.builder().add(f.name(), level, 1.0).build();
                for (Task t : c.takeDistinct(split, seed, n, n * DRAWS_PER_PROBLEM)) {
                    out.add(t.problem());
                }
            }
        }
        return out;
    }

    /** True when the named family is an image family. */
    public static boolean isImageFamily(String family) {
        return TaskFamilies.byName(family).modality() == Modality.IMAGE;
    }

    /**
     * Samples and grades every problem.
     *
     * @param problems problems to evaluate; image problems go to {@link ResponseSampler#sampleWithImages} (a
     *                 text-only sampler refuses them)
     * @param sampler  the model
     * @param format   how a problem becomes the user turn
     * @param k        responses per problem, ≥ 1
     * @param seed     base seed; problem i is sampled with seed + i
     * @param settings run settings copied into the report
     * @param notes    remarks copied into the report
     * @throws IllegalArgumentException when k < 1, the sampler returns other than k responses, or a problem carries
     *                                  an image and the sampler takes text only
     */
    public static EvalReport run(List<Problem> problems, ResponseSampler sampler, PromptFormat format, int k, long seed,
                                 Map<String, Object> settings, List<String> notes) {
        return run(problems, sampler, format, k, seed, settings, notes, (done, total) -> { });
    }

    /** Progress of a run: called after each problem with the number done and the total. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param done  problems graded so far, 1..total
         * @param total problems in the run
         */
        void update(int done, int total);
    }

    /** As {@link #run(List, ResponseSampler, PromptFormat, int, long, Map, List)}, reporting progress after each problem. */
    public static EvalReport run(List<Problem> problems, ResponseSampler sampler, PromptFormat format, int k, long seed,
                                 Map<String, Object> settings, List<String> notes, Progress progress) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        List<ProblemResult> results = new ArrayList<>(problems.size());
        for (int i = 0; i < problems.size(); i++) {
            Problem p = problems.get(i);
            String user = format.userText(p);
            List<ResponseSampler.Response> rs = p.hasImage()
                    ? sampler.sampleWithImages(user, List.of(p.image()), k, seed + i)
                    : sampler.sample(user, k, seed + i);
            if (rs.size() != k) {
                throw new IllegalArgumentException("sampler returned " + rs.size() + " responses for " + p.id()
                        + ", expected " + k);
            }
            List<ProblemResult.GradedResponse> graded = new ArrayList<>(k);
            for (ResponseSampler.Response r : rs) {
                Verdict v = AnswerVerifier.grade(r.text(), p.answer());
                graded.add(new ProblemResult.GradedResponse(r.text(), r.tokens(), v.correct(), v.method()));
            }
            results.add(new ProblemResult(p.id(), p.family(), p.level(), p.answer(), user, graded));
            progress.update(i + 1, problems.size());
        }
        return new EvalReport(settings, k, notes, results);
    }
}
