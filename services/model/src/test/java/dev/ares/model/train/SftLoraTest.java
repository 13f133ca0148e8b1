package dev.ares.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.tasks.PromptFormat;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.lora.LoraConfig;
import dev.ares.model.tokenizer.ChatMlTemplate;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.model.weights.SafetensorsFile;
import dev.ares.model.weights.TensorInfo;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SftTrainer} with LoRA ({@link SftLora}) on the qwen2-tiny fixture: only the adapter learns, the written
 * model is exactly {@code W + (alpha / r) B A} of the written adapter (checked against the base file with plain Java
 * arithmetic), and a crashed LoRA run resumes to the adapter an uninterrupted run ends with.
 */
class SftLoraTest {
    static final Path BASE = Fixtures.dir("qwen2-tiny");
    static final Pattern TARGET = Pattern.compile(
            "model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)\\.weight");
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
        return new SftSettings(steps, 4, 256, lr, 1, 0.1, 0.0, 0.9, 0.999, 1.0, 7, every, 2);
    }

    static LoraConfig lora() {
        return LoraConfig.of(4, 8.0, List.of("all-linear"), null);
    }

    @Test
    void onlyTheAdapterLearnsAndTheWrittenModelIsBasePlusScaledBA() throws Exception {
        List<SftTrainer.StepStats> seen = new ArrayList<>();
        Path out = tmp.resolve("out");
        SftTrainer.run(BASE, out, data, settings(30, 30, 2e-2), DeviceSpec.cpu(), (st, total) -> seen.add(st), false,
                lora());
        double first = (seen.get(0).loss() + seen.get(1).loss()) / 2;
        double last = (seen.get(28).loss() + seen.get(29).loss()) / 2;
        assertTrue(last < 0.8 * first, "LoRA loss " + first + " -> " + last);

        Path checkpoint = out.resolve(SftTrainer.CHECKPOINTS).resolve("v000030");
        assertTrue(Files.isRegularFile(checkpoint.resolve("adapter_config.json")));
        assertFalse(Files.exists(checkpoint.resolve("model.safetensors")), "a LoRA checkpoint holds the adapter only");

        double scaling = 8.0 / 4;
        int adapted = 0;
        double largestDelta = 0;
        try (SafetensorsFile base = SafetensorsFile.open(BASE.resolve("model.safetensors"));
             SafetensorsFile merged = SafetensorsFile.open(out.resolve("model.safetensors"));
             SafetensorsFile adapter = SafetensorsFile.open(out.resolve("adapter/adapter_model.safetensors"))) {
            assertEquals(Set.copyOf(base.names()), Set.copyOf(merged.names()));
            for (String name : base.names()) {
                Matcher m = TARGET.matcher(name);
                if (!m.matches()) {
                    assertEquals(base.bytes(name), merged.bytes(name), name + " is not adapted and must not change");
                    continue;
                }
                String peft = "base_model.model." + name.substring(0, name.length() - ".weight".length());
                float[] a = floats(adapter, peft + ".lora_A.weight");
                float[] b = floats(adapter, peft + ".lora_B.weight");
                float[] w0 = floats(base, name);
                float[] w1 = floats(merged, name);
                long[] shape = base.info(name).shape();
                int rows = (int) shape[0];
                int cols = (int) shape[1];
                int r = a.length / cols;
                assertEquals(4, r, name);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        double ba = 0;
                        for (int k = 0; k < r; k++) {
                            ba += b[i * r + k] * a[k * cols + j];
                        }
                        double want = w0[i * cols + j] + scaling * ba;
                        assertEquals(want, w1[i * cols + j], 1e-5 + 1e-5 * Math.abs(want), name + "[" + i + "," + j + "]");
                        largestDelta = Math.max(largestDelta, Math.abs(scaling * ba));
                    }
                }
                adapted++;
            }
        }
        assertEquals(2 * 7, adapted, "every linear projection of both layers carries an adapter");
        assertTrue(largestDelta > 1e-3, "training moved B away from zero: " + largestDelta);
    }

    /** Crash after step 5 (checkpoint at 4), resume: the adapter and losses of an uninterrupted LoRA run. */
    @Test
    void resumedLoraRunEndsWithTheAdapterOfAnUninterruptedRun() throws Exception {
        SftSettings s = settings(7, 2, 1e-2);
        Path a = tmp.resolve("a");
        SftTrainer.Result full = SftTrainer.run(BASE, a, data, s, DeviceSpec.cpu(), (st, total) -> { }, false, lora());
        Path b = tmp.resolve("b");
        RuntimeException crash = assertThrows(RuntimeException.class, () -> SftTrainer.run(BASE, b, data, s,
                DeviceSpec.cpu(), (st, total) -> {
                    if (st.step() == 5) {
                        throw new RuntimeException("simulated crash after step 5");
                    }
                }, false, lora()));
        assertEquals("simulated crash after step 5", crash.getMessage());
        SftTrainer.Result resumed = SftTrainer.run(BASE, b, data, s, DeviceSpec.cpu(), (st, total) -> { }, false, lora());
        assertEquals(4, resumed.resumedFrom());
        for (int i = 0; i < full.history().size(); i++) {
            assertEquals(full.history().get(i).loss(), resumed.history().get(i).loss(), 0.0, "loss of step " + (i + 1));
        }
        try (SafetensorsFile x = SafetensorsFile.open(a.resolve("adapter/adapter_model.safetensors"));
             SafetensorsFile y = SafetensorsFile.open(b.resolve("adapter/adapter_model.safetensors"))) {
            assertEquals(x.names(), y.names());
            for (String n : x.names()) {
                assertEquals(x.bytes(n), y.bytes(n), n);
            }
        }
    }

    @Test
    void aFullFineTuningRunIsNotResumedAsLora() {
        Path out = tmp.resolve("o");
        SftTrainer.run(BASE, out, data, settings(2, 1, 1e-3), DeviceSpec.cpu(), (st, total) -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SftTrainer.run(BASE, out, data,
                settings(2, 1, 1e-3), DeviceSpec.cpu(), (st, total) -> { }, false, lora()));
        assertTrue(e.getMessage().contains("lora null -> r=4 alpha=8.0"), e.getMessage());
    }

    private static float[] floats(SafetensorsFile f, String name) {
        TensorInfo info = f.info(name);
        assertEquals("F32", info.dtype().name(), name);
        FloatBuffer fb = f.bytes(name).duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }
}
