package dev.ares.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.aepo.Bucket;
import dev.ares.core.tasks.HeldOutSplit;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pass-rate bucketing (spec §5), the problem draw and the aggregation of {@link Evaluator} on synthetic grades. */
class EvaluatorTest {

    /** Spec §5 in integer arithmetic: easy iff 3·correct ≥ 2·k, medium iff 3·correct ≥ k, else hard. */
    private static Bucket expected(int correct, int k) {
        if (3 * correct >= 2 * k) {
            return Bucket.EASY;
        }
        return 3 * correct >= k ? Bucket.MEDIUM : Bucket.HARD;
    }

    @Test
    void bucketsFollowSpecThresholdsForEveryCount() {
        for (int k = 1; k <= 24; k++) {
            for (int c = 0; c <= k; c++) {
                assertEquals(expected(c, k), PassRateBuckets.of(c, k), c + "/" + k);
            }
        }
    }

    @Test
    void eightSamplesGiveThePapersCountSplit() {
        // aepo-spec §5: with K = 8, easy if >= 6 correct, medium if 3-5, hard if <= 2
        for (int c = 0; c <= 8; c++) {
            Bucket want = c >= 6 ? Bucket.EASY : c >= 3 ? Bucket.MEDIUM : Bucket.HARD;
            assertEquals(want, PassRateBuckets.of(c, 8), c + "/8");
        }
        // exact boundaries with k = 3: 2/3 is easy, 1/3 is medium
        assertEquals(Bucket.EASY, PassRateBuckets.of(2, 3));
        assertEquals(Bucket.MEDIUM, PassRateBuckets.of(1, 3));
        assertEquals(Bucket.HARD, PassRateBuckets.of(0, 3));
    }

    @Test
    void badCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> PassRateBuckets.of(4, 3));
        assertThrows(IllegalArgumentException.class, () -> PassRateBuckets.of(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> PassRateBuckets.of(0, 0));
    }

    @Test
    void drawGivesDistinctProblemsOfTheSplit() {
        List<Problem> ps = Evaluator.draw(List.of("addition", "linear"), List.of(2, 3), Split.HELDOUT, 4, 7);
        assertEquals(16, ps.size());
        Set<String> ids = new HashSet<>();
        Map<String, Integer> perGroup = new HashMap<>();
        for (Problem p : ps) {
            assertTrue(ids.add(p.id()), "repeat " + p.id());
            assertEquals(Split.HELDOUT, HeldOutSplit.DEFAULT.of(p), p.id());
            perGroup.merge(p.family() + p.level(), 1, Integer::sum);
        }
        assertEquals(Map.of("addition2", 4, "addition3", 4, "linear2", 4, "linear3", 4), perGroup);
        assertEquals(ps, Evaluator.draw(List.of("addition", "linear"), List.of(2, 3), Split.HELDOUT, 4, 7));
        for (Problem p : Evaluator.draw(List.of("compare"), List.of(1), Split.TRAIN, 5, 1)) {
            assertEquals(Split.TRAIN, HeldOutSplit.DEFAULT.of(p));
        }
        assertThrows(IllegalArgumentException.class, () -> Evaluator.draw(List.of("nope"), List.of(1), Split.TRAIN, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Evaluator.draw(List.of("addition"), List.of(6), Split.TRAIN, 1, 0));
    }

    /**
     * A sampler whose grades are fixed in advance: problem i gets correct[i] right answers among k (boxed
     * reference) and wrong or unboxed ones otherwise, response j of problem i being 10·i + j tokens long.
     */
    @Test
    void aggregatesAndBucketsMatchSyntheticGrades() throws Exception {
        int k = 6;
        List<Problem> ps = Evaluator.draw(List.of("addition", "multiplication"), List.of(2), Split.TRAIN, 5, 3);
        Random rnd = new Random(11);
        int[] correct = new int[ps.size()];
        Map<String, Integer> userToIndex = new HashMap<>();
        for (int i = 0; i < ps.size(); i++) {
            correct[i] = rnd.nextInt(k + 1);
            userToIndex.put(PromptFormat.BARE.userText(ps.get(i)), i);
        }
        ResponseSampler fake = (user, kk, seed) -> {
            int i = userToIndex.get(user);
            Problem p = ps.get(i);
            List<ResponseSampler.Response> out = new ArrayList<>();
            for (int j = 0; j < kk; j++) {
                String text = j < correct[i] ? "<think>\nok\n</think> \\boxed{" + p.answer() + "}"
                        : j % 2 == 0 ? "\\boxed{" + p.answer() + "1}" : "no box here";
                out.add(new ResponseSampler.Response(text, 10 * i + j));
            }
            return out;
        };
        EvalReport r = Evaluator.run(ps, fake, PromptFormat.BARE, k, 0, Map.of("k", k), List.of("a note"));

        // independent expectations from the fixed grades
        Map<Bucket, int[]> want = new HashMap<>(); // problems, correct, tokens
        int totalCorrect = 0;
        for (int i = 0; i < ps.size(); i++) {
            int[] acc = want.computeIfAbsent(expected(correct[i], k), b -> new int[3]);
            acc[0]++;
            acc[1] += correct[i];
            acc[2] += 10 * i * k + k * (k - 1) / 2;
            totalCorrect += correct[i];
            assertEquals(correct[i], r.problems().get(i).correct(), "problem " + i);
        }
        for (Bucket b : Bucket.values()) {
            int[] w = want.getOrDefault(b, new int[3]);
            Aggregate a = r.byBucket().get(b);
            assertEquals(w[0], a.problems(), b.label());
            assertEquals(w[0] * k, a.samples(), b.label());
            assertEquals(w[1], a.correct(), b.label());
            assertEquals(w[2], a.tokens(), b.label());
        }
        assertEquals(totalCorrect, r.overall().correct());
        assertEquals((double) totalCorrect / (ps.size() * k), r.overall().accuracy(), 1e-12);
        Aggregate add = r.byFamilyLevel().get("addition/L2");
        int addCorrect = 0;
        for (int i = 0; i < 5; i++) {
            addCorrect += correct[i];
        }
        assertEquals(5, add.problems());
        assertEquals(addCorrect, add.correct());

        JsonNode j = new ObjectMapper().readTree(r.toJson(new ObjectMapper()).toString());
        assertEquals(3, j.get("by_bucket").size());
        assertEquals(ps.size(), j.get("problems").size());
        assertEquals(totalCorrect, j.get("overall").get("correct").asInt());
        assertEquals("a note", j.get("notes").get(0).asText());
        String table = r.table();
        assertTrue(table.contains("bucket easy") && table.contains("addition/L2") && table.contains("note: a note"), table);
    }

    @Test
    void greedyReportHasNoBucketSectionAndRejectsWrongSampleCounts() {
        List<Problem> ps = Evaluator.draw(List.of("compare"), List.of(1), Split.TRAIN, 2, 0);
        EvalReport r = Evaluator.run(ps, (u, k, s) -> List.of(new ResponseSampler.Response("x", 1)), PromptFormat.ARES,
                1, 0, Map.of(), List.of());
        assertFalse(r.toJson(new ObjectMapper()).has("by_bucket"));
        assertFalse(r.table().contains("bucket"));
        assertEquals(0, r.overall().correct());
        assertThrows(IllegalArgumentException.class, () -> Evaluator.run(ps,
                (u, k, s) -> List.of(new ResponseSampler.Response("x", 1)), PromptFormat.ARES, 2, 0, Map.of(), List.of()));
        List<Problem> img = Evaluator.draw(List.of("bar_chart"), List.of(1), Split.TRAIN, 1, 0);
        assertThrows(IllegalArgumentException.class, () -> Evaluator.run(img,
                (u, k, s) -> List.of(new ResponseSampler.Response("x", 1)), PromptFormat.ARES, 1, 0, Map.of(), List.of()));
    }
}
