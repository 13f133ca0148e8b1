package dev.ares.model.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.learner.CurriculumPrompts;
import dev.ares.core.learner.LearnerMode;
import dev.ares.core.learner.LearnerState;
import dev.ares.core.learner.Outcome;
import dev.ares.core.learner.ScheduleConfig;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.CheckpointKind;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Modality;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.engine.PolicyHolder;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelLearnerLoop} on the qwen2-tiny fixture: scheduling, staleness, dedupe, checkpoints and exact resume. */
class ModelLearnerLoopTest {
    static final String RUN = "run-a";

    @TempDir
    Path tmp;

    @BeforeAll
    static void threads() {
        FixedThreads.pin();
    }

    static LoopSettings settings(Path root, int checkpointEvery, int maxStaleness, long maxSteps) {
        ScheduleConfig sc = new ScheduleConfig(RUN, 3, 4, maxStaleness, LearnerMode.HWE_BRANCH.exploration(), 2, 1.0,
                1.0, 8, List.of(), 5, maxSteps, PromptFormat.BARE, 0);
        return new LoopSettings("tiny", Fixtures.dir("qwen2-tiny"), root, checkpointEvery, 2, DeviceSpec.cpu(), sc,
                TrainerConfig.defaults(LearnerMode.HWE_BRANCH, 1e-3, 64, 1.0));
    }

    static ModelLearnerLoop open(LoopSettings s) {
        ModelLearnerLoop loop = new ModelLearnerLoop(s, new CurriculumPrompts(Curriculum.uniform(Modality.TEXT), 5,
                PromptFormat.BARE));
        loop.load();
        return loop;
    }

    static Map<String, float[]> weights(QwenModel m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    static void assertSameWeights(Map<String, float[]> a, Map<String, float[]> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), 0f, k);
        }
    }

    @Test
    void schedulesWithinTheStalenessBoundAndReportsReady() {
        try (ModelLearnerLoop loop = open(settings(tmp, 1, 2, 0))) {
            assertTrue(loop.readiness().ready(), loop.readiness().reason());
            List<RolloutRequest> r = loop.nextRequests();
            assertEquals(6, r.size(), "2 steps x 3 groups");
            assertEquals(2, r.get(0).branchBudget());
            assertTrue(loop.nextRequests().isEmpty(), "backpressure");
            assertTrue(r.get(0).prompt().referenceAnswer().length() > 0);
        }
    }

    @Test
    void overStaleGroupsAreDroppedAndDoNotTouchTheWeights() {
        try (ModelLearnerLoop loop = open(settings(tmp, 1, 1, 0))) {
            loop.train(LearnerBatches.batch(RUN, 0, 3, 4, 0, 1), 0, 0);      // -> checkpoint v1, policy version 1
            loop.train(LearnerBatches.batch(RUN, 1, 3, 4, 1, 1), 0, 1);      // -> v2
            Map<String, float[]> before = weights(loop.policy());
            LearnerLoop.StepOutcome out = loop.train(LearnerBatches.batch(RUN, 2, 3, 4, 0, 1), 0, 2);  // v0 < 2 - 1
            assertEquals(3.0, out.event().metrics().get("outcome/groups/stale"));
            assertEquals(0.0, out.event().metrics().get("train/tokens"));
            assertSameWeights(before, weights(loop.policy()));
            LearnerLoop.StepOutcome ok = loop.train(LearnerBatches.batch(RUN, 3, 3, 4, 2, 1), 0, 3);   // v2 = 3 - 1
            assertEquals(3.0, ok.event().metrics().get("outcome/groups/trained"));
            assertEquals(3, loop.book().accounting().groups(Outcome.STALE));
        }
    }

    @Test
    void aRedeliveredBatchIsCountedAsDuplicateAndNotTrainedAgain() {
        try (ModelLearnerLoop loop = open(settings(tmp, 5, 2, 0))) {
            ScoredBatch b = LearnerBatches.batch(RUN, 0, 3, 4, 0, 7);
            LearnerLoop.StepOutcome first = loop.train(b, 0, 10);
            assertEquals(12.0, first.event().metrics().get("outcome/trajectories/trained"));
            Map<String, float[]> after = weights(loop.policy());
            LearnerLoop.StepOutcome again = loop.train(b, 0, 10);
            assertEquals(3.0, again.event().metrics().get("outcome/groups/duplicate"));
            assertEquals(12.0, again.event().metrics().get("outcome/trajectories/duplicate"));
            assertSameWeights(after, weights(loop.policy()));
            assertEquals(1, loop.book().optimizerSteps());
            assertEquals(11, loop.resumeOffset(0).getAsLong());
        }
    }

    @Test
    void resumingFromACheckpointContinuesBitForBit() throws Exception {
        List<ScoredBatch> batches = List.of(LearnerBatches.batch(RUN, 0, 3, 4, 0, 11),
                LearnerBatches.batch(RUN, 1, 3, 4, 0, 11), LearnerBatches.batch(RUN, 2, 3, 4, 0, 11));
        Map<String, float[]> uninterrupted;
        try (ModelLearnerLoop loop = open(settings(tmp.resolve("a"), 2, 4, 0))) {
            for (int i = 0; i < 3; i++) {
                loop.train(batches.get(i), 0, i);
            }
            uninterrupted = weights(loop.policy());
        }
        Path root = tmp.resolve("b");
        try (ModelLearnerLoop loop = open(settings(root, 2, 4, 0))) {
            assertFalse(loop.train(batches.get(0), 0, 0).checkpoint().isPresent());
            CheckpointEvent ev = loop.train(batches.get(1), 0, 1).checkpoint().orElseThrow();
            assertEquals(2, ev.version());
            assertEquals(CheckpointKind.FULL, ev.kind());
            // the step that is lost in the crash
            loop.train(batches.get(2), 0, 2);
        }
        try (ModelLearnerLoop resumed = open(settings(root, 2, 4, 0))) {
            assertEquals(2, resumed.resumeOffset(0).getAsLong(), "resume after the last checkpointed batch");
            assertEquals(2, resumed.book().policyVersion());
            assertEquals(2, resumed.book().stepsFinished());
            assertEquals(2, resumed.nextRequests().get(0).policyVersion(), "requests carry the checkpoint version");
            resumed.train(batches.get(2), 0, 2);
            assertSameWeights(uninterrupted, weights(resumed.policy()));
        }
    }

    @Test
    void aCheckpointIsAHuggingFaceFolderThatServingVerifiesAndLoads() throws Exception {
        CheckpointEvent ev;
        Map<String, float[]> trained;
        try (ModelLearnerLoop loop = open(settings(tmp, 1, 2, 0))) {
            ev = loop.train(LearnerBatches.batch(RUN, 0, 3, 4, 0, 3), 0, 0).checkpoint().orElseThrow();
            trained = weights(loop.policy());
        }
        Path dir = Path.of(java.net.URI.create(ev.uri()));
        assertEquals(tmp.resolve(RUN).resolve("v000001").toAbsolutePath(), dir.toAbsolutePath());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", LearnerState.FILE,
                LearnerOptimizer.FILE, "MANIFEST.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertTrue(f.contains("model.layers.0.self_attn.q_proj.weight"));
            assertTrue(f.contains("model.layers.0.mlp.up_proj.weight"));
            assertFalse(f.contains("model.layers.0.self_attn.qkv_proj.weight"));
        }
        try (QwenModel back = QwenModel.load(dir, DeviceSpec.cpu())) {
            assertSameWeights(trained, weights(back));
        }
        try (PolicyHolder holder = new PolicyHolder(tmp, DeviceSpec.cpu(), TriggerVocabulary.loadDefault())) {
            holder.onCheckpoint(ev);
            assertEquals(1, holder.version());
        }
        LearnerState st = LearnerState.fromJson(Files.readAllBytes(dir.resolve(LearnerState.FILE)), "state");
        assertEquals(Map.of(0, 1L), st.offsets());
        assertEquals(12, st.trajectoryIds().size());
    }
}
