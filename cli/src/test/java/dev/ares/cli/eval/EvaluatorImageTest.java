package dev.ares.cli.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Image problems reach the sampler's image method with their own PNG bytes; a text-only sampler refuses them. */
class EvaluatorImageTest {

    /** Answers the problem's reference for images whose bytes match it, a wrong letter otherwise. */
    private static final class ImageOracle implements ResponseSampler {
        final List<Problem> problems;
        final List<String> users = new ArrayList<>();

        ImageOracle(List<Problem> problems) {
            this.problems = problems;
        }

        @Override
        public List<Response> sample(String userText, int k, long seed) {
            throw new AssertionError("text path used for an image problem: " + userText);
        }

        @Override
        public List<Response> sampleWithImages(String userText, List<byte[]> images, int k, long seed) {
            users.add(userText);
            assertEquals(1, images.size());
            Problem p = problems.get(users.size() - 1);
            assertArrayEquals(p.image(), images.get(0));
            List<Response> out = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                // correct on even problems only, so the expected accuracy is known independently
                String letter = (users.size() - 1) % 2 == 0 ? p.answer() : (p.answer().equals("A") ? "B" : "A");
                out.add(new Response("<think>\nTallest: " + letter + "\n</think> \\boxed{" + letter + "}", 9));
            }
            return out;
        }
    }

    @Test
    void imageProblemsGoThroughTheImageMethodAndAreGraded() {
        List<Problem> problems = Evaluator.draw(List.of("bar_chart"), List.of(1), Split.HELDOUT, 6, 0);
        assertEquals(6, problems.size());
        ImageOracle oracle = new ImageOracle(problems);
        EvalReport r = Evaluator.run(problems, oracle, PromptFormat.BARE, 2, 0, Map.of(), List.of());
        assertEquals(6, oracle.users.size());
        oracle.users.forEach(u -> assertEquals("<image>Which bar is tallest?", u));
        int correct = 0;
        for (ProblemResult pr : r.problems()) {
            correct += (int) pr.samples().stream().filter(ProblemResult.GradedResponse::correct).count();
        }
        assertEquals(6, correct, "3 of 6 problems answered correctly, 2 samples each");
    }

    @Test
    void textOnlySamplerRefusesImages() {
        List<Problem> problems = Evaluator.draw(List.of("bar_chart"), List.of(1), Split.HELDOUT, 1, 0);
        ResponseSampler textOnly = (user, k, seed) -> List.of(new ResponseSampler.Response("x", 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.run(problems, textOnly, PromptFormat.BARE, 1, 0, Map.of(), List.of()));
        assertTrue(e.getMessage().contains("takes text only"), e.getMessage());
    }
}
