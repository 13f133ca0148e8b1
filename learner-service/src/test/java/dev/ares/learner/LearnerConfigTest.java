package dev.ares.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.learner.LearnerConfigException;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.model.learner.LoopSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reliability scenario 18 at the unit level: every bad {@code ares.learner.*} value fails naming its key. */
class LearnerConfigTest {
    static final Path FIXTURE = Path.of(System.getProperty("ares.repo.root", "..")).resolve("../shared/fixtures/hf-reference/qwen2-tiny");

    static LearnerLoopProducer valid() {
        LearnerLoopProducer p = new LearnerLoopProducer();
        p.modelDir = Optional.of(FIXTURE.toString());
        p.checkpointsRoot = "/tmp/ares-ckpt-test";
        p.modelName = "tiny";
        p.runId = "r";
        p.mode = "hwe-branch";
        p.groupsPerStep = 4;
        p.n = 4;
        p.maxStaleness = 2;
        p.branchBudget = 2;
        p.temperature = 1.0;
        p.topP = 1.0;
        p.maxNewTokens = 16;
        p.lr = 1e-4;
        p.maxGradNorm = 1.0;
        p.microbatchTokens = 512;
        p.checkpointEvery = 1;
        p.keepCheckpoints = 2;
        p.seed = 1;
        p.maxSteps = 0;
        p.device = Optional.empty();
        p.sharedDevice = "cpu";
        p.promptFormat = "bare";
        p.families = Optional.empty();
        p.maxLevel = 5;
        p.stalePolicy = "drop";
        p.importanceWeightCap = 0;
        p.loraRank = 0;
        p.loraAlpha = 16;
        p.loraTargets = List.of("all-linear");
        p.blobsRoot = Optional.empty();
        p.vision = "frozen";
        return p;
    }

    static String keyOf(LearnerLoopProducer p) {
        LearnerConfigException e = assertThrows(LearnerConfigException.class, p::settings);
        assertTrue(e.getMessage().startsWith(e.key() + " "), e.getMessage());
        return e.key();
    }

    @Test
    void aValidConfigurationBuildsTheSettings() {
        LoopSettings s = valid().settings();
        assertEquals(ExplorationMode.HWE_BRANCH, s.schedule().explorationMode());
        assertEquals(2, s.schedule().branchBudget());
        assertEquals(Path.of("/tmp/ares-ckpt-test/r"), s.runStore());
        LearnerLoopProducer grpo = valid();
        grpo.mode = "grpo";
        assertEquals(0, grpo.settings().schedule().branchBudget(), "GRPO samples IID");
        assertEquals(dev.ares.core.aepo.KlConfig.Controller.NONE, grpo.settings().trainer().kl().controller());
    }

    @Test
    void withoutAModelTheLoopIsIdleAndSaysWhichKeyToSet() {
        LearnerLoopProducer p = valid();
        p.modelDir = Optional.empty();
        dev.ares.core.compute.LearnerLoop loop = p.learnerLoop();
        assertEquals(false, loop.readiness().ready());
        assertEquals(true, loop.readiness().reason().contains("ares.learner.model-dir"), loop.readiness().reason());
        assertEquals(java.util.List.of(), loop.nextRequests());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> loop.train(null, 0, 0));
    }

    @Test
    void badValuesNameTheirKey() {
        LearnerLoopProducer p = valid();
        p.maxStaleness = -1;
        assertEquals("ares.learner.max-staleness", keyOf(p));
        p = valid();
        p.modelDir = Optional.empty();
        assertEquals("ares.learner.model-dir", keyOf(p));
        p = valid();
        p.modelDir = Optional.of("/nonexistent/model");
        assertEquals("ares.learner.model-dir", keyOf(p));
        p = valid();
        p.mode = "dpo";
        assertEquals("ares.learner.mode", keyOf(p));
        p = valid();
        p.lr = 0;
        assertEquals("ares.learner.lr", keyOf(p));
        p = valid();
        p.checkpointEvery = 0;
        assertEquals("ares.learner.checkpoint-every", keyOf(p));
        p = valid();
        p.branchBudget = 4;
        assertEquals("ares.learner.branch-budget", keyOf(p));
        p = valid();
        p.groupsPerStep = 0;
        assertEquals("ares.learner.groups-per-step", keyOf(p));
        p = valid();
        p.device = Optional.of("tpu");
        assertEquals("ares.learner.device", keyOf(p));
        p = valid();
        p.promptFormat = "xml";
        assertEquals("ares.learner.prompt-format", keyOf(p));
        p = valid();
        p.stalePolicy = "keep";
        assertEquals("ares.learner.stale-policy", keyOf(p));
        p = valid();
        p.importanceWeightCap = 0.5;
        assertEquals("ares.learner.importance-weight-cap", keyOf(p));
        p = valid();
        p.loraRank = -2;
        assertEquals("ares.learner.lora-rank", keyOf(p));
        p = valid();
        p.loraRank = 8;
        p.loraTargets = List.of("attention");
        assertEquals("ares.learner.lora-targets", keyOf(p));
    }

    @Test
    void stalePolicyCapAndLoraReachTheSettings() {
        LearnerLoopProducer p = valid();
        p.stalePolicy = "divert";
        p.importanceWeightCap = 2.0;
        p.loraRank = 8;
        p.loraAlpha = 32;
        p.loraTargets = List.of("q_proj", "v_proj");
        LoopSettings s = p.settings();
        assertEquals(dev.ares.core.learner.StalePolicy.DIVERT, s.stalePolicy());
        assertEquals(2.0, s.trainer().importanceWeightCap());
        assertEquals(8, s.lora().rank());
        assertEquals(4.0, s.lora().config(null).scaling(), 1e-12);
        assertEquals(List.of("q_proj", "v_proj"), s.lora().config(null).targetModules());
    }

    @Test
    void curriculumNamesTextFamiliesOnly() {
        assertEquals("ares.learner.families", assertThrows(LearnerConfigException.class,
                () -> LearnerLoopProducer.curriculum(Optional.of(List.of("nope")), 5)).key());
        assertEquals("ares.learner.max-level", assertThrows(LearnerConfigException.class,
                () -> LearnerLoopProducer.curriculum(Optional.empty(), 6)).key());
        assertEquals(2, LearnerLoopProducer.curriculum(Optional.of(List.of("addition")), 2).entries().size());
    }

    @Test
    void blobRootAndVisionReachTheSettingsAndImageFamiliesNeedTheBlobRoot() {
        LearnerLoopProducer p = valid();
        LoopSettings text = p.settings();
        assertEquals(null, text.blobsRoot());
        assertEquals(false, text.visionTrainable());
        p.blobsRoot = Optional.of("/data/blobs");
        p.vision = "trainable";
        LoopSettings s = p.settings();
        assertEquals(java.nio.file.Path.of("/data/blobs"), s.blobsRoot());
        assertEquals(true, s.visionTrainable());
        p.vision = "thawed";
        assertEquals("ares.learner.vision", keyOf(p));
        assertEquals("ares.learner.families", assertThrows(LearnerConfigException.class,
                () -> LearnerLoopProducer.curriculum(Optional.of(List.of("bar_chart")), 2)).key());
        assertEquals(2, LearnerLoopProducer.curriculum(Optional.of(List.of("bar_chart")), 2, true).entries().size());
    }

    @Test
    void imageFamiliesWithATextOnlyModelAreRefusedNamingTheModelType() {
        LearnerLoopProducer p = valid();
        p.blobsRoot = Optional.of("/data/blobs");
        p.families = Optional.of(List.of("addition", "bar_chart"));
        LearnerConfigException e = assertThrows(LearnerConfigException.class, () -> p.curriculum(p.settings()));
        assertEquals("ares.learner.families", e.key());
        assertTrue(e.getMessage().contains("model_type qwen2") && e.getMessage().contains("bar_chart"), e.getMessage());
        // text families stay fine with the text model
        p.families = Optional.of(List.of("addition"));
        assertEquals(5, p.curriculum(p.settings()).entries().size());
        // and image families are accepted with a Qwen2.5-VL folder
        LearnerLoopProducer vl = valid();
        vl.modelDir = Optional.of(FIXTURE.resolveSibling("qwen2_5_vl-tiny").toString());
        vl.blobsRoot = Optional.of("/data/blobs");
        vl.families = Optional.of(List.of("bar_chart"));
        assertEquals(5, vl.curriculum(vl.settings()).entries().size());
    }

    @Test
    void aTrainableVisionTowerWithLoraIsRefusedNamingBothKeys() {
        LearnerLoopProducer p = valid();
        p.blobsRoot = Optional.of("/data/blobs");
        p.vision = "trainable";
        p.loraRank = 8;
        LearnerConfigException e = assertThrows(LearnerConfigException.class, p::settings);
        assertEquals("ares.learner.vision", e.key());
        assertTrue(e.getMessage().contains("ares.learner.lora-rank") && e.getMessage().contains("trainable"),
                e.getMessage());
        // each alone is accepted
        p.loraRank = 0;
        assertEquals(true, p.settings().visionTrainable());
        p.vision = "frozen";
        p.loraRank = 8;
        assertEquals(8, p.settings().lora().rank());
    }
}
