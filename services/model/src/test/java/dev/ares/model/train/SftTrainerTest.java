package dev.ares.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ares.core.checkpoint.CheckpointStore;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.tokenizer.ChatMlTemplate;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SftTrainer} on the qwen2-tiny fixture with curriculum data: masking, learning, crash and resume. */
class SftTrainerTest {
    static final Path BASE = Fixtures.dir("qwen2-tiny");
    static SftDataset data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        try (QwenTokenizer tok = QwenTokenizer.load(BASE)) {
            List<SftRecord> records = SftDataset.curriculumRecords(24, 200, 3, PromptFormat.BARE, tok);
            data = SftDataset.tokenize(records, tok, new ChatMlTemplate(), Set.of(tok.specialId("<|im_end|>")), 160);
        }
    }

    static SftSettings settings(int steps, int every, double lr) {
        return new SftSettings(steps, 4, 256, lr, 1, 0.1, 0.01, 0.9, 0.999, 1.0, 7, every, 2);
    }

    /** The step loss is the mean of -log p over response tokens only, as an independent per-example scoring gives. */
    @Test
    void lossIsTheMeanNllOfResponseTokensOnly() {
        SftSettings s = settings(1, 1, 1e-9);
        double expected;
        long count = 0;
        double sum = 0;
        try (QwenModel model = QwenModel.load(BASE, DeviceSpec.cpu()); NDManager m = model.manager().newSubManager()) {
            for (int i = 0; i < s.batch(); i++) {
                SftExample e = data.at(i, s.seed());
                int n = e.length() - 1;
                long[] ids = new long[n];
                long[] tg = new long[n];
                long[] pos = new long[n];
                for (int t = 0; t < n; t++) {
                    ids[t] = e.ids()[t];
                    tg[t] = e.ids()[t + 1];
                    pos[t] = t;
                }
                Shape sh = new Shape(1, n);
                float[] lp = TokenScorer.score(model, m.create(ids, sh), m.create(pos, sh), m.ones(sh, DataType.INT64),
                        m.create(tg, sh), 1.0).logprobs().toFloatArray();
                for (int t = e.promptLength() - 1; t < n; t++) {
                    sum -= lp[t];
                    count++;
                }
            }
            expected = sum / count;
            AdamW opt = new AdamW(model.parameters(), 1e-9, 0.9, 0.999, 1e-8, 0);
            SftTrainer.StepStats st = SftTrainer.trainStep(model, opt, data, s, s.schedule(), 1);
            assertEquals(count, st.targetTokens());
            assertEquals(expected, st.loss(), 1e-4 * expected);
            assertTrue(st.gradNorm() > 0);
        }
    }

    @Test
    void lossFallsOverTraining() {
        List<SftTrainer.StepStats> seen = new ArrayList<>();
        SftTrainer.Result r = SftTrainer.run(BASE, tmp.resolve("out"), data, settings(30, 30, 3e-3), DeviceSpec.cpu(),
                (st, total) -> seen.add(st));
        assertEquals(30, seen.size());
        double first = (seen.get(0).loss() + seen.get(1).loss()) / 2;
        double last = (seen.get(28).loss() + seen.get(29).loss()) / 2;
        assertTrue(last < 0.6 * first, "loss " + first + " -> " + last);
        assertEquals(30, r.history().size());
        try (QwenModel back = QwenModel.load(r.modelDir(), DeviceSpec.cpu())) {
            assertEquals(BASE.resolve("config.json").toFile().length() > 0, true);
            assertEquals(384, back.config().vocabSize());
        }
    }

    /** Crash after step 5 (checkpoint at 4), resume: the same weights and history as an uninterrupted run. */
    @Test
    void resumeAfterACrashEndsWithTheWeightsOfAnUninterruptedRun() throws IOException {
        SftSettings s = settings(7, 2, 2e-3);
        Path a = tmp.resolve("a");
        SftTrainer.Result full = SftTrainer.run(BASE, a, data, s, DeviceSpec.cpu(), (st, total) -> { });

        Path b = tmp.resolve("b");
        RuntimeException crash = assertThrows(RuntimeException.class, () -> SftTrainer.run(BASE, b, data, s,
                DeviceSpec.cpu(), (st, total) -> {
                    if (st.step() == 5) {
                        throw new RuntimeException("simulated crash after step 5");
                    }
                }));
        assertEquals("simulated crash after step 5", crash.getMessage());
        assertEquals(4, new CheckpointStore(b.resolve(SftTrainer.CHECKPOINTS)).latestComplete().orElseThrow().version());
        List<Integer> steps = new ArrayList<>();
        SftTrainer.Result resumed = SftTrainer.run(BASE, b, data, s, DeviceSpec.cpu(), (st, total) -> steps.add(st.step()));
        assertEquals(4, resumed.resumedFrom());
        assertEquals(List.of(5, 6, 7), steps);
        assertEquals(full.history().size(), resumed.history().size());
        for (int i = 0; i < full.history().size(); i++) {
            assertEquals(full.history().get(i).loss(), resumed.history().get(i).loss(), 0.0, "loss of step " + (i + 1));
        }
        try (SafetensorsFile x = SafetensorsFile.open(a.resolve("model.safetensors"));
             SafetensorsFile y = SafetensorsFile.open(b.resolve("model.safetensors"));
             SafetensorsFile base = SafetensorsFile.open(BASE.resolve("model.safetensors"))) {
            assertEquals(x.names(), y.names());
            for (String n : x.names()) {
                assertEquals(x.bytes(n), y.bytes(n), n);
            }
            assertFalse(x.bytes("model.norm.weight").equals(base.bytes("model.norm.weight")), "training moved the weights");
        }
    }

    @Test
    void resumingWithOtherSettingsIsRefused() {
        Path out = tmp.resolve("o");
        SftTrainer.run(BASE, out, data, settings(2, 1, 1e-3), DeviceSpec.cpu(), (st, total) -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SftTrainer.run(BASE, out, data, settings(2, 1, 2e-3), DeviceSpec.cpu(), (st, total) -> { }));
        assertTrue(e.getMessage().contains("peak_lr 0.001 -> 0.002"), e.getMessage());
    }

    /** Prompt/response boundary: the prompt ends with the generation prompt, the response with one end-of-turn. */
    @Test
    void examplesEndWithOneEndOfTurnAndStartTheResponseAfterTheGenerationPrompt() {
        try (QwenTokenizer tok = QwenTokenizer.load(BASE)) {
            int imEnd = tok.specialId("<|im_end|>");
            int[] gen = tok.encode("<|im_start|>assistant\n");
            for (SftExample e : data.examples()) {
                assertEquals(imEnd, e.ids()[e.length() - 1]);
                for (int i = 0; i < gen.length; i++) {
                    assertEquals(gen[i], e.ids()[e.promptLength() - gen.length + i]);
                }
                String response = tok.decode(java.util.Arrays.copyOfRange(e.ids(), e.promptLength(), e.length() - 1));
                assertEquals(e.record().response(), response);
            }
        }
    }
}
