package dev.ares.model.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.checkpoint.Checkpoint;
import dev.ares.core.checkpoint.CheckpointInfo;
import dev.ares.core.checkpoint.CheckpointStore;
import dev.ares.core.compute.ServingEngine;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.CheckpointKind;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.Trajectory;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.weights.SafetensorsFile;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DJL-backed engines of the rollout and inference services on the qwen2-tiny fixture: greedy completion of the
 * fixture prompt reproduces the reference's greedy ids; rollout groups carry consistent per-token arrays; checkpoint
 * events are verified, confined to the checkpoint root and swapped in by version.
 */
class ModelEnginesTest {

    @TempDir
    Path tmp;

    private static int[] fixtureIds(String name) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.dir("qwen2-tiny").resolve("expected.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            return Arrays.stream(f.load(name, m, null).toLongArray()).mapToInt(v -> (int) v).toArray();
        }
    }

    private PolicyHolder holder() {
        return new PolicyHolder(tmp.resolve("checkpoints"), DeviceSpec.cpu(), TriggerVocabulary.loadDefault());
    }

    @Test
    void greedyCompletionReproducesTheFixture() throws IOException {
        int[] input = Arrays.copyOf(fixtureIds("input_ids"), 17);
        int[] greedy = fixtureIds("greedy_ids");
        try (PolicyHolder h = holder()) {
            h.loadFolder(Fixtures.dir("qwen2-tiny"));
            ModelServingEngine engine = new ModelServingEngine(h, "tiny");
            ServingEngine.Completion c = engine.complete(new ServingEngine.Request(null, null, input,
                    new SamplingParams(1.0, 1.0, 1, 24, 0, List.of()), 1, 0));
            assertArrayEquals(Arrays.copyOfRange(greedy, 17, 41), c.choices().get(0).tokenIds());
            assertEquals(0, c.policyVersion());
        }
    }

    @Test
    void rolloutGroupHasConsistentArraysAndTriggers() {
        try (PolicyHolder h = holder()) {
            h.loadFolder(Fixtures.dir("qwen2-tiny"));
            ModelRolloutEngine engine = new ModelRolloutEngine(h);
            RolloutRequest req = new RolloutRequest("r1", "g1", "run", 3, 1, 0,
                    new Prompt(List.of(new ChatMessage("user", "What is 2 + 3?")), List.of(), "5", "addition", null), 4,
                    new SamplingParams(1.0, 1.0, 0, 12, 42, List.of()), ExplorationMode.IID, 0, 0.0, 0);
            RolloutGroup g = engine.generate(req);
            assertEquals(4, g.trajectories().size());
            for (Trajectory t : g.trajectories()) {
                assertTrue(t.tokenIds().length >= 1 && t.tokenIds().length <= 12);
                for (float e : t.entropies()) {
                    assertTrue(e >= 0 && e <= Math.log(384) + 1e-4, "entropy within [0, log V]");
                }
            }
            RolloutRequest branch = new RolloutRequest("r2", "g2", "run", 3, 1, 0, req.prompt(), 4, req.sampling(),
                    ExplorationMode.HWE_BRANCH, 2, 1.0, 0);
            assertEquals(4, engine.generate(branch).trajectories().size(), "hwe-branch keeps the group size");
        }
    }

    @Test
    void checkpointEventsAreVerifiedConfinedAndSwappedByVersion() throws IOException {
        Path root = tmp.resolve("checkpoints");
        CheckpointStore store = new CheckpointStore(root);
        Map<String, Path> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(Fixtures.dir("qwen2-tiny"))) {
            s.filter(p -> !p.getFileName().toString().startsWith("expected")).forEach(p -> files.put(p.getFileName().toString(), p));
        }
        Checkpoint c = store.copyFiles(new CheckpointInfo(2, 20, CheckpointKind.FULL, null, Map.of()), files);
        try (PolicyHolder h = holder()) {
            assertFalse(h.readiness().ready());
            CheckpointEvent wrongHash = new CheckpointEvent("m", 2, 20, c.directory().toUri().toString(), CheckpointKind.FULL,
                    null, "0".repeat(64), Map.of());
            assertThrows(RuntimeException.class, () -> h.onCheckpoint(wrongHash));
            assertFalse(h.readiness().ready());
            CheckpointEvent outside = new CheckpointEvent("m", 2, 20, Fixtures.dir("qwen2-tiny").toUri().toString(),
                    CheckpointKind.FULL, null, c.manifestSha256(), Map.of());
            assertThrows(IllegalArgumentException.class, () -> h.onCheckpoint(outside));
            CheckpointEvent good = new CheckpointEvent("m", 2, 20, c.directory().toUri().toString(), CheckpointKind.FULL,
                    null, c.manifestSha256(), Map.of());
            h.onCheckpoint(good);
            assertTrue(h.readiness().ready());
            assertEquals(2, h.version());
            CheckpointEvent older = new CheckpointEvent("m", 1, 10, "file:///nowhere/v000001", CheckpointKind.FULL, null,
                    c.manifestSha256(), Map.of());
            h.onCheckpoint(older);
            assertEquals(2, h.version(), "an older version is ignored");
        }
    }
}
