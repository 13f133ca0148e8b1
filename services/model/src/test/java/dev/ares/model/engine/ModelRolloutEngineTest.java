package dev.ares.model.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.compute.RolloutEngine.Outcome;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.Trajectory;
import dev.ares.core.trigger.TokenNormalizer;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.generation.GenerationResult;
import dev.ares.model.generation.HweWindow;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.core.checkpoint.Checkpoint;
import dev.ares.core.checkpoint.CheckpointInfo;
import dev.ares.core.checkpoint.CheckpointStore;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.CheckpointKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelRolloutEngine} on the qwen2-tiny fixture with a trigger vocabulary made of every word-like token of its
 * tokenizer (so the random model completes trigger words often, even under the word-level rule): iid and hwe-branch groups of one batch, ids and
 * parent links, the per-request error of a batch, and batch-independence.
 */
class ModelRolloutEngineTest {
    @TempDir
    Path tmp;

    private PolicyHolder holder() {
        Set<String> words = new HashSet<>();
        try (QwenTokenizer t = QwenTokenizer.load(Fixtures.dir("qwen2-tiny"))) {
            for (int id = 0; id < t.vocabSize(); id++) {
                String w = TokenNormalizer.normalize(t.decode(new int[] {id}));
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        }
        PolicyHolder h = new PolicyHolder(tmp.resolve("checkpoints"), DeviceSpec.cpu(), TriggerVocabulary.of(words, "test"));
        h.loadFolder(Fixtures.dir("qwen2-tiny"));
        return h;
    }

    private static RolloutRequest request(String gid, String question, int n, ExplorationMode mode, int budget, double tau,
                                          int maxNew, long seed) {
        return new RolloutRequest("r-" + gid, gid, "run", 7, 3, 0,
                new Prompt(List.of(new ChatMessage("user", question)), List.of(), "5", "addition", null), n,
                new SamplingParams(1.0, 1.0, 0, maxNew, seed, List.of()), mode, budget, tau, 0);
    }

    @Test
    void oneBatchServesIidAndBranchingGroupsAndRefusesOnlyTheBadRequest() {
        try (PolicyHolder h = holder()) {
            ModelRolloutEngine engine = new ModelRolloutEngine(h, HweWindow.codeDefault(), 64);
            List<RolloutRequest> reqs = List.of(
                    request("a", "What is 2 + 3?", 4, ExplorationMode.IID, 0, 0, 16, 1),
                    request("b", "What is 7 + 8?", 6, ExplorationMode.HWE_BRANCH, 3, 0.0, 16, 2),
                    request("c", "x".repeat(5000), 2, ExplorationMode.IID, 0, 0, 16, 3),
                    request("d", "What is 1 + 1?", 4, ExplorationMode.HWE_BRANCH, 2, 0.0, 12, 4));
            List<Outcome> out = engine.generateAll(reqs);
            assertEquals(4, out.size());
            assertNull(out.get(2).group());
            assertTrue(out.get(2).error().getMessage().contains("r-c"), out.get(2).error().getMessage());
            assertTrue(out.get(2).error().getMessage().contains("context"), out.get(2).error().getMessage());
            for (int k : new int[] {0, 1, 3}) {
                RolloutRequest r = reqs.get(k);
                RolloutGroup g = out.get(k).group();
                assertEquals(r.groupId(), g.groupId());
                assertEquals(r.n(), g.trajectories().size());
                int branches = 0;
                for (int j = 0; j < r.n(); j++) {
                    Trajectory t = g.trajectories().get(j);
                    assertEquals(r.groupId() + "/" + j, t.trajectoryId());
                    assertEquals(0, t.policyVersion());
                    assertEquals(h.withPolicy(p -> p.decode(t.tokenIds())), t.text());
                    assertArrayEquals(h.withPolicy(p -> p.triggers().flags(t.tokenIds())), t.triggers());
                    if (t.branchParent() != null) {
                        branches++;
                        int parent = Integer.parseInt(t.branchParent().substring(r.groupId().length() + 1));
                        assertTrue(parent < r.n() - r.branchBudget(), "parents are roots");
                        Trajectory p = g.trajectories().get(parent);
                        assertArrayEquals(Arrays.copyOf(p.tokenIds(), t.branchPosition()),
                                Arrays.copyOf(t.tokenIds(), t.branchPosition()));
                        assertArrayEquals(Arrays.copyOf(p.entropies(), t.branchPosition()),
                                Arrays.copyOf(t.entropies(), t.branchPosition()));
                        assertTrue(p.triggers()[t.branchPosition() - 1], "the parent's token before the branch is a trigger");
                    }
                }
                assertEquals(r.branchBudget(), branches, "threshold 0 with frequent triggers spends the budget of " + k);
            }
        }
    }

    @Test
    void aGroupIsTheSameAloneAndInABatchAndIidReproducesPlainSampling() {
        try (PolicyHolder h = holder()) {
            ModelRolloutEngine engine = new ModelRolloutEngine(h);
            RolloutRequest b = request("b", "What is 7 + 8?", 6, ExplorationMode.HWE_BRANCH, 3, 0.5, 16, 2);
            RolloutRequest a = request("a", "What is 2 + 3?", 4, ExplorationMode.IID, 0, 0, 16, 1);
            RolloutGroup alone = engine.generate(b);
            List<Outcome> batch = engine.generateAll(List.of(a, b));
            for (int j = 0; j < 6; j++) {
                Trajectory x = alone.trajectories().get(j);
                Trajectory y = batch.get(1).group().trajectories().get(j);
                assertArrayEquals(x.tokenIds(), y.tokenIds(), "slot " + j);
                assertEquals(x.branchParent(), y.branchParent(), "slot " + j);
                assertEquals(x.branchPosition(), y.branchPosition(), "slot " + j);
            }
            List<GenerationResult> plain = h.withPolicy(p -> p.sample(p.encodeChat(a.prompt().messages()), a.sampling(), 4, 0));
            for (int j = 0; j < 4; j++) {
                assertArrayEquals(plain.get(j).ids(), batch.get(0).group().trajectories().get(j).tokenIds(), "iid slot " + j);
                // the batch also holds group b (another prompt length): logits agree up to float rounding
                assertArrayEquals(plain.get(j).sampledLogprobs(),
                        batch.get(0).group().trajectories().get(j).sampledLogprobs(), 1e-5f, "iid slot " + j);
            }
        }
    }

    /** Reload on a newer checkpoint event verifies its SHA-256 manifest first; trajectories carry the version used. */
    @Test
    void trajectoriesCarryTheVersionOfTheVerifiedCheckpoint() throws java.io.IOException {
        CheckpointStore store = new CheckpointStore(tmp.resolve("checkpoints"));
        Map<String, Path> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(Fixtures.dir("qwen2-tiny"))) {
            s.filter(f -> !f.getFileName().toString().startsWith("expected")).forEach(f -> files.put(f.getFileName().toString(), f));
        }
        Checkpoint c = store.copyFiles(new CheckpointInfo(3, 30, CheckpointKind.FULL, null, Map.of()), files);
        try (PolicyHolder h = holder()) {
            ModelRolloutEngine engine = new ModelRolloutEngine(h);
            RolloutRequest r = request("v", "What is 2 + 3?", 3, ExplorationMode.HWE_BRANCH, 1, 0.0, 6, 5);
            assertEquals(0, engine.generate(r).trajectories().get(0).policyVersion());
            CheckpointEvent forged = new CheckpointEvent("m", 3, 30, c.directory().toUri().toString(), CheckpointKind.FULL,
                    null, "f".repeat(64), Map.of());
            assertThrows(RuntimeException.class, () -> engine.onCheckpoint(forged));
            for (Trajectory t : engine.generate(r).trajectories()) {
                assertEquals(0, t.policyVersion(), "a checkpoint failing verification is not served");
            }
            engine.onCheckpoint(new CheckpointEvent("m", 3, 30, c.directory().toUri().toString(), CheckpointKind.FULL, null,
                    c.manifestSha256(), Map.of()));
            for (Trajectory t : engine.generate(r).trajectories()) {
                assertEquals(3, t.policyVersion());
            }
        }
    }
}
