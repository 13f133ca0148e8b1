package dev.ares.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.model.DeviceSpec;
import dev.ares.model.lora.LoraAdapters;
import dev.ares.model.lora.LoraConfig;
import dev.ares.model.lora.LoraPair;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsDType;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./ares merge} on the qwen2-tiny fixture: merged folders load and reproduce the adapter model's logits. */
class MergeCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AresCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static float[] logits(QwenModel model, Path fixture) throws IOException {
        try (SafetensorsFile exp = SafetensorsFile.open(fixture.resolve("expected.safetensors"));
             NDManager m = model.manager().newSubManager()) {
            return model.forward(exp.load("input_ids", m, null), exp.load("position_ids", m, null),
                    exp.load("attention_mask", m, null), null, false).toFloatArray();
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /** Saves a trained-looking adapter (B filled with seeded values) and returns the adapted model's logits. */
    private float[] writeAdapter(Path base, Path dir) throws IOException {
        try (QwenModel model = QwenModel.load(base, DeviceSpec.cpu());
             LoraAdapters lora = LoraAdapters.attach(model, LoraConfig.of(4, 8,
                     List.of("q_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"), base.toString()), 3)) {
            Random rnd = new Random(17);
            for (LoraPair p : lora.pairs()) {
                float[] v = new float[Math.toIntExact(p.b().size())];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (2 * rnd.nextFloat() - 1) * 0.1f;
                }
                try (NDArray values = p.b().getManager().create(v, p.b().getShape())) {
                    p.b().addi(values);
                }
            }
            lora.save(dir);
            return logits(model, base);
        }
    }

    @Test
    void mergedFolderLoadsAndGivesTheAdapterModelsLogits() throws IOException {
        Path base = GenerateCommandTest.fixture("qwen2-tiny");
        float[] adapted = writeAdapter(base, tmp.resolve("adapter"));
        Path out = tmp.resolve("merged");
        Run r = run("merge", "--base", base.toString(), "--adapter", tmp.resolve("adapter").toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("merged") && r.out().contains("r 4"), r.out());
        try (SafetensorsFile f = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertEquals(SafetensorsDType.F32, f.info("model.layers.0.self_attn.q_proj.weight").dtype());
            assertTrue(f.contains("model.layers.1.mlp.up_proj.weight"), "unfused Hugging Face names");
            assertTrue(f.names().stream().noneMatch(n -> n.contains("lora")), "no adapter tensors left");
        }
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")), "servable: tokenizer copied");
        float[] base0;
        try (QwenModel plain = QwenModel.load(base, DeviceSpec.cpu())) {
            base0 = logits(plain, base);
        }
        try (QwenModel merged = QwenModel.load(out, DeviceSpec.cpu())) {
            double diff = maxAbsDiff(adapted, logits(merged, base));
            assertTrue(diff < 1e-5, "max |merged - adapter| = " + diff);
        }
        assertTrue(maxAbsDiff(base0, adapted) > 1e-2, "the adapter changes the model");
    }

    @Test
    void bf16MergeAndF16ConversionStoreTheRequestedType() throws IOException {
        Path base = GenerateCommandTest.fixture("qwen2-tiny");
        float[] adapted = writeAdapter(base, tmp.resolve("adapter"));
        Path bf = tmp.resolve("bf16");
        Run r = run("merge", "--base", base.toString(), "--adapter", tmp.resolve("adapter").toString(),
                "--out", bf.toString(), "--dtype", "bf16");
        assertEquals(0, r.code(), r.err());
        assertEquals("bfloat16", new ObjectMapper().readTree(bf.resolve("config.json").toFile()).get("dtype").asText());
        try (SafetensorsFile f = SafetensorsFile.open(bf.resolve("model.safetensors"));
             QwenModel merged = QwenModel.load(bf, DeviceSpec.cpu())) {
            assertEquals(SafetensorsDType.BF16, f.info("model.layers.0.mlp.down_proj.weight").dtype());
            double diff = maxAbsDiff(adapted, logits(merged, base));
            assertTrue(diff > 0 && diff < 0.05, "bf16 rounding only: " + diff);
        }
        Path f16 = tmp.resolve("f16");
        r = run("merge", "--base", base.toString(), "--out", f16.toString(), "--dtype", "f16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("converted"), r.out());
        try (SafetensorsFile f = SafetensorsFile.open(f16.resolve("model.safetensors"));
             QwenModel plain = QwenModel.load(base, DeviceSpec.cpu());
             QwenModel converted = QwenModel.load(f16, DeviceSpec.cpu())) {
            assertEquals(SafetensorsDType.F16, f.info("lm_head.weight").dtype());
            double diff = maxAbsDiff(logits(plain, base), logits(converted, base));
            assertTrue(diff > 0 && diff < 0.01, "f16 rounding only: " + diff);
        }
    }

    @Test
    void badFlagsAndFoldersAreReported() throws IOException {
        Path base = GenerateCommandTest.fixture("qwen2-tiny");
        Run r = run("merge", "--base", base.toString(), "--out", tmp.resolve("x").toString(), "--dtype", "int8");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--dtype int8"), r.err());
        Files.createDirectories(tmp.resolve("empty-adapter"));
        r = run("merge", "--base", base.toString(), "--adapter", tmp.resolve("empty-adapter").toString(),
                "--out", tmp.resolve("y").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("adapter_config.json"), r.err());
        Files.writeString(Files.createDirectories(tmp.resolve("full")).resolve("keep.txt"), "x");
        r = run("merge", "--base", base.toString(), "--out", tmp.resolve("full").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not empty"), r.err());
        r = run("merge", "--base", tmp.resolve("nope").toString(), "--out", tmp.resolve("z").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such folder"), r.err());
    }
}
