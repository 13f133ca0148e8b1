package dev.ares.model.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.engine.PolicyHolder;
import dev.ares.model.lora.AdapterConfigJson;
import dev.ares.model.lora.LoraAdapters;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner with LoRA adapters ({@code ares.learner.lora-rank} > 0; issue 6 item 3 "full or LoRA"): a step
 * changes only the adapters, the optimizer state covers only A and B, and a checkpoint holds the merged weights
 * (loadable by rollout and inference as a full Hugging Face folder) plus the adapter in PEFT layout; a resumed LoRA
 * learner continues bit for bit.
 */
class LoraLearnerTest {
    static final String RUN = ModelLearnerLoopTest.RUN;
    static final LoraSettings LORA = new LoraSettings(4, 8, List.of("q_proj", "v_proj", "down_proj"), 7);

    @TempDir
    Path tmp;

    @BeforeAll
    static void threads() {
        FixedThreads.pin();
    }

    static LoopSettings settings(Path root) {
        return ModelLearnerLoopTest.settings(root, 1, 2, 0).withLora(LORA);
    }

    static Map<String, float[]> copy(Map<String, NDArray> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void aStepChangesOnlyTheAdaptersAndTheCheckpointIsMergedAndServable() throws Exception {
        CheckpointEvent ev;
        Map<String, float[]> adaptersAfter;
        try (ModelLearnerLoop loop = ModelLearnerLoopTest.open(settings(tmp))) {
            Map<String, float[]> base = ModelLearnerLoopTest.weights(loop.policy());
            Map<String, float[]> adaptersBefore = copy(loop.adapters().trainableParameters());
            assertEquals(3 * 2 * loop.policy().config().numLayers(), adaptersBefore.size(), "A and B per target and layer");
            ev = loop.train(LearnerBatches.batch(RUN, 0, 3, 4, 0, 13), 0, 0).checkpoint().orElseThrow();
            ModelLearnerLoopTest.assertSameWeights(base, ModelLearnerLoopTest.weights(loop.policy()));
            adaptersAfter = copy(loop.adapters().trainableParameters());
            int changedB = 0;
            for (String k : adaptersBefore.keySet()) {
                if (k.contains("lora_B") && !Arrays.equals(adaptersBefore.get(k), adaptersAfter.get(k))) {
                    changedB++;
                }
            }
            assertTrue(changedB > 0, "the step moved B away from zero");
        }
        Path dir = Path.of(java.net.URI.create(ev.uri()));
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "adapter/" + AdapterConfigJson.FILE,
                "adapter/" + LoraAdapters.WEIGHTS_FILE, LearnerOptimizer.FILE)) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        try (SafetensorsFile opt = SafetensorsFile.open(dir.resolve(LearnerOptimizer.FILE))) {
            assertEquals(2 * adaptersAfter.size(), opt.names().size(), "two moments per adapter array, nothing else");
            for (String n : opt.names()) {
                assertTrue(n.contains(".lora_A.") || n.contains(".lora_B."), n);
            }
        }
        // the merged folder equals the base with the saved adapter merged by the LoRA library
        Map<String, float[]> expected;
        try (QwenModel m = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu())) {
            LoraAdapters.load(dir.resolve("adapter"), m).merge();
            expected = ModelLearnerLoopTest.weights(m);
        }
        try (QwenModel merged = QwenModel.load(dir, DeviceSpec.cpu());
             QwenModel base = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu())) {
            ModelLearnerLoopTest.assertSameWeights(expected, ModelLearnerLoopTest.weights(merged));
            String q = "model.layers.0.self_attn.qkv_proj.weight";
            assertFalse(Arrays.equals(ModelLearnerLoopTest.weights(base).get(q), ModelLearnerLoopTest.weights(merged).get(q)),
                    "the merged q/v rows differ from the base");
        }
        try (PolicyHolder holder = new PolicyHolder(tmp, DeviceSpec.cpu(), TriggerVocabulary.loadDefault())) {
            holder.onCheckpoint(ev);
            assertEquals(1, holder.version());
        }
    }

    @Test
    void aResumedLoraLearnerContinuesBitForBit() {
        Map<String, float[]> uninterrupted;
        try (ModelLearnerLoop loop = ModelLearnerLoopTest.open(settings(tmp.resolve("a")))) {
            loop.train(LearnerBatches.batch(RUN, 0, 3, 4, 0, 29), 0, 0);
            loop.train(LearnerBatches.batch(RUN, 1, 3, 4, 1, 29), 0, 1);
            uninterrupted = copy(loop.adapters().trainableParameters());
        }
        Path root = tmp.resolve("b");
        try (ModelLearnerLoop loop = ModelLearnerLoopTest.open(settings(root))) {
            loop.train(LearnerBatches.batch(RUN, 0, 3, 4, 0, 29), 0, 0);
        }
        try (ModelLearnerLoop resumed = ModelLearnerLoopTest.open(settings(root))) {
            assertEquals(1, resumed.book().policyVersion());
            resumed.train(LearnerBatches.batch(RUN, 1, 3, 4, 1, 29), 0, 1);
            ModelLearnerLoopTest.assertSameWeights(uninterrupted, copy(resumed.adapters().trainableParameters()));
        }
    }

    @Test
    void badLoraSettingsNameTheirKey() {
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> new LoraSettings(-1, 8, List.of("q_proj"), 0));
        assertTrue(r.getMessage().startsWith("ares.learner.lora-rank"), r.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> new LoraSettings(4, 8, List.of("qq_proj"), 0));
        assertTrue(t.getMessage().startsWith("ares.learner.lora-targets"), t.getMessage());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> new LoraSettings(4, 0, List.of("q_proj"), 0));
        assertTrue(a.getMessage().startsWith("ares.learner.lora-alpha"), a.getMessage());
    }
}
