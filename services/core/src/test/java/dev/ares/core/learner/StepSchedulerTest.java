package dev.ares.core.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.HeldOutSplit;
import dev.ares.core.tasks.Modality;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepSchedulerTest {
    static ScheduleConfig config(int staleness, long maxSteps, ExplorationMode mode, int budget) {
        return new ScheduleConfig("r1", 3, 4, staleness, mode, budget, 1.0, 1.0, 32, List.of(), 11, maxSteps,
                PromptFormat.BARE, 0);
    }

    /** Prompts that name their step and index, so the tests can check which prompt went where. */
    static final PromptSource LABELLED = (step, count) -> {
        List<Prompt> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Prompt(List.of(new ChatMessage("user", "p" + step + "." + i)), List.of(), "a", "src", null));
        }
        return out;
    };

    @Test
    void schedulesGroupsPerStepWithinTheStalenessBound() {
        StepScheduler s = new StepScheduler(config(2, 0, ExplorationMode.HWE_BRANCH, 2), LABELLED);
        List<RolloutRequest> first = s.next();
        assertEquals(6, first.size(), "2 steps in flight x 3 groups");
        assertEquals(List.of(0L, 1L), s.inFlight());
        RolloutRequest r = first.get(4);
        assertEquals(1, r.step());
        assertEquals("r1-s1-g1", r.groupId());
        assertEquals("r1-s1-g1-r", r.requestId());
        assertEquals("p1.1", r.prompt().messages().get(0).content());
        assertEquals(3, r.groupsInStep());
        assertEquals(4, r.n());
        assertEquals(ExplorationMode.HWE_BRANCH, r.explorationMode());
        assertEquals(2, r.branchBudget());
        assertEquals(Seeds.mix(11, 1, 1), r.sampling().seed());
        assertTrue(s.next().isEmpty(), "backpressure: 2 steps in flight");
        s.finish(0);
        List<RolloutRequest> third = s.next();
        assertEquals(3, third.size());
        assertEquals(2, third.get(0).step());
        assertTrue(s.next().isEmpty());
    }

    @Test
    void copiesTheNextThresholdTriggerVersionAndPolicyVersionIntoLaterRequests() {
        StepScheduler s = new StepScheduler(config(1, 0, ExplorationMode.IID, 0), LABELLED);
        assertEquals(0.0, s.next().get(0).hweThreshold());
        s.observe(Batches.batch("r1", 0, false, List.of(), 1.25, Map.of("tau", 1.401875, "triggerTableVersion", 7.0)));
        s.setPolicyVersion(1);
        s.finish(0);
        RolloutRequest r = s.next().get(0);
        assertEquals(1.401875, r.hweThreshold(), "tau of the scorer's next step, not the one this batch used");
        assertEquals(7, r.triggerTableVersion());
        assertEquals(1, r.policyVersion());
        assertEquals(0, r.branchBudget(), "IID mode");
        s.observe(Batches.batch("r1", 1, false, List.of(), 0.75, Map.of()));
        s.finish(1);
        assertEquals(0.75, s.next().get(0).hweThreshold(), "without controller tau the batch's own threshold");
    }

    @Test
    void maxStepsStopsSchedulingAndDoneReportsIt() {
        StepScheduler s = new StepScheduler(config(4, 2, ExplorationMode.IID, 0), LABELLED);
        assertEquals(6, s.next().size());
        assertTrue(s.next().isEmpty());
        s.finish(1);
        assertTrue(!s.done());
        s.finish(0);
        assertTrue(s.done());
    }

    @Test
    void restoreReissuesInFlightStepsAndSkipsFinishedOnes() {
        StepScheduler s = new StepScheduler(config(3, 0, ExplorationMode.IID, 0), LABELLED);
        List<RolloutRequest> before = s.next();
        s.finish(1);
        StepScheduler.State st = s.state();
        assertEquals(List.of(0L, 2L), st.inFlight());
        StepScheduler t = new StepScheduler(config(3, 0, ExplorationMode.IID, 0), LABELLED);
        t.restore(st);
        List<RolloutRequest> again = t.next();
        List<RolloutRequest> expected = new ArrayList<>(before.subList(0, 3));
        expected.addAll(before.subList(6, 9));
        assertEquals(expected, again.subList(0, 6), "steps 0 and 2 re-issued identically");
        assertEquals(List.of(3L, 3L, 3L), again.subList(6, 9).stream().map(RolloutRequest::step).toList(),
                "2 in flight, bound 3: one new step");
        assertTrue(t.next().isEmpty());
    }

    @Test
    void aBatchFromBeyondTheScheduleMarksItsStepDone() {
        StepScheduler s = new StepScheduler(config(1, 0, ExplorationMode.IID, 0), LABELLED);
        s.finish(1);
        assertEquals(0, s.next().get(0).step());
        s.finish(0);
        assertEquals(2, s.next().get(0).step(), "step 1 already finished");
    }

    @Test
    void configRejectionsNameTheKey() {
        LearnerConfigException e = assertThrows(LearnerConfigException.class, () -> config(-1, 0, ExplorationMode.IID, 0));
        assertEquals("ares.learner.max-staleness", e.key());
        assertTrue(e.getMessage().contains("must be >= 1, got -1"), e.getMessage());
        assertEquals("ares.learner.branch-budget",
                assertThrows(LearnerConfigException.class, () -> config(1, 0, ExplorationMode.HWE_BRANCH, 4)).key());
    }

    @Test
    void curriculumPromptsAreDeterministicTrainSplitText() {
        Curriculum c = Curriculum.uniform(Modality.TEXT);
        CurriculumPrompts p = new CurriculumPrompts(c, 5, PromptFormat.ARES);
        List<Prompt> a = p.prompts(3, 4);
        assertEquals(a, new CurriculumPrompts(c, 5, PromptFormat.ARES).prompts(3, 4));
        assertTrue(!a.equals(p.prompts(4, 4)), "another step draws other prompts");
        for (Prompt x : a) {
            assertTrue(x.messages().get(0).content().endsWith(PromptFormat.ARES.instruction()));
            assertTrue(x.imageRefs().isEmpty());
        }
        Problem img = new Problem("x", "f", 1, "q", "1", new byte[] {1}, "image/png", 0.5);
        assertThrows(IllegalArgumentException.class, () -> CurriculumPrompts.toPrompt(img, PromptFormat.BARE));
        assertEquals(0.1, HeldOutSplit.DEFAULT.heldOutFraction());
    }
}
