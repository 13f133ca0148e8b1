package dev.ares.model.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.ModelFormatException;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsFile;
import dev.ares.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Adapters written by hand in PEFT's layout (as {@code peft.PeftModel.save_pretrained} writes them) load, and
 * give the logits of a base model whose weights were merged on the host, independently of the runtime; bad
 * folders give errors naming the file and the field or tensor.
 */
class PeftLayoutTest {
    /** What PEFT 0.13 writes for {@code LoraConfig(r=2, lora_alpha=6, lora_dropout=0.05, target_modules=[...])}. */
    static final String CONFIG = """
            {
              "alpha_pattern": {},
              "auto_mapping": null,
              "base_model_name_or_path": "qwen2-tiny",
              "bias": "none",
              "eva_config": null,
              "exclude_modules": null,
              "fan_in_fan_out": false,
              "inference_mode": true,
              "init_lora_weights": true,
              "layer_replication": null,
              "layers_pattern": null,
              "layers_to_transform": null,
              "loftq_config": {},
              "lora_alpha": 6,
              "lora_bias": false,
              "lora_dropout": 0.05,
              "megatron_config": null,
              "megatron_core": "megatron.core",
              "modules_to_save": null,
              "peft_type": "LORA",
              "r": 2,
              "rank_pattern": {},
              "revision": null,
              "target_modules": ["v_proj", "q_proj", "down_proj"],
              "task_type": "CAUSAL_LM",
              "use_dora": false,
              "use_rslora": false
            }
            """;
    static final int R = 2;
    static final double SCALING = 6.0 / 2;

    @TempDir
    Path tmp;

    /** Module, [out, in] of qwen2-tiny (hidden 64, 4 heads x 16, 2 KV heads, intermediate from config). */
    private static Map<String, long[]> modules(long intermediate) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int layer = 0; layer < 2; layer++) {
            String p = "model.layers." + layer + ".";
            m.put(p + "self_attn.q_proj", new long[] {64, 64});
            m.put(p + "self_attn.v_proj", new long[] {32, 64});
            m.put(p + "mlp.down_proj", new long[] {64, intermediate});
        }
        return m;
    }

    /** Seeded random factors by module path: {A [r, in], B [out, r]} as row-major floats. */
    private static Map<String, float[][]> factors(Map<String, long[]> modules, long seed, int rank) {
        Random rnd = new Random(seed);
        Map<String, float[][]> f = new LinkedHashMap<>();
        modules.forEach((name, oi) -> {
            float[] a = new float[(int) (rank * oi[1])];
            float[] b = new float[(int) (oi[0] * rank)];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian() * 0.1f;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rnd.nextGaussian() * 0.1f;
            }
            f.put(name, new float[][] {a, b});
        });
        return f;
    }

    /** Writes adapter_config.json and adapter_model.safetensors with PEFT names (optionally PEFT's ".default" variant). */
    private static Path writeAdapter(Path dir, String config, Map<String, long[]> modules, Map<String, float[][]> f,
                                     int rank, boolean defaultInfix, String skip, String extra) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("adapter_config.json"), config);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            String infix = defaultInfix ? ".default" : "";
            modules.forEach((name, oi) -> {
                String a = "base_model.model." + name + ".lora_A" + infix + ".weight";
                String b = "base_model.model." + name + ".lora_B" + infix + ".weight";
                tensors.put(a, m.create(f.get(name)[0], new Shape(rank, oi[1])));
                tensors.put(b, m.create(f.get(name)[1], new Shape(oi[0], rank)));
            });
            if (skip != null) {
                tensors.remove(skip);
            }
            if (extra != null) {
                tensors.put(extra, m.zeros(new Shape(rank, 64)));
            }
            SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), tensors);
        }
        return dir;
    }

    /** The base folder with W + scaling * B A computed on the host in double precision. */
    private Path hostMerged(Map<String, long[]> modules, Map<String, float[][]> f) throws IOException {
        Path dir = Fixtures.copy("qwen2-tiny", tmp.resolve("merged"));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            try (SafetensorsFile base = SafetensorsFile.open(Fixtures.dir("qwen2-tiny").resolve("model.safetensors"))) {
                for (String name : base.names()) {
                    NDArray w = base.load(name, m, DataType.FLOAT32);
                    String module = name.substring(0, name.lastIndexOf('.'));
                    if (name.endsWith(".weight") && modules.containsKey(module)) {
                        long[] oi = modules.get(module);
                        float[] wv = w.toFloatArray();
                        float[] a = f.get(module)[0];
                        float[] b = f.get(module)[1];
                        int out = (int) oi[0];
                        int in = (int) oi[1];
                        for (int o = 0; o < out; o++) {
                            for (int i = 0; i < in; i++) {
                                double s = 0;
                                for (int k = 0; k < R; k++) {
                                    s += (double) b[o * R + k] * a[k * in + i];
                                }
                                wv[o * in + i] = (float) (wv[o * in + i] + SCALING * s);
                            }
                        }
                        w = m.create(wv, w.getShape());
                    }
                    tensors.put(name, w);
                }
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
        }
        return dir;
    }

    @ParameterizedTest(name = "adapter-name infix {0}")
    @ValueSource(booleans = {false, true})
    void aHandWrittenPeftAdapterGivesTheHostMergedLogits(boolean defaultInfix) throws IOException {
        long intermediate = dev.ares.model.qwen.QwenConfig.load(Fixtures.dir("qwen2-tiny")).intermediateSize();
        Map<String, long[]> modules = modules(intermediate);
        Map<String, float[][]> f = factors(modules, 42, R);
        Path adapter = writeAdapter(tmp.resolve("adapter"), CONFIG, modules, f, R, defaultInfix, null, null);
        float[] expected;
        try (QwenModel merged = QwenModel.load(hostMerged(modules, f), DeviceSpec.cpu())) {
            expected = LoraAdaptersTest.logits(merged, "qwen2-tiny");
        }
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu())) {
            float[] base = LoraAdaptersTest.logits(model, "qwen2-tiny");
            try (LoraAdapters lora = LoraAdapters.load(adapter, model)) {
                assertEquals(EnumSet.of(LoraTarget.Q_PROJ, LoraTarget.V_PROJ, LoraTarget.DOWN_PROJ),
                        lora.config().targets());
                assertEquals(0.05, lora.config().dropout());
                assertEquals(SCALING, lora.config().scaling());
                float[] got = LoraAdaptersTest.logits(model, "qwen2-tiny");
                assertTrue(LoraAdaptersTest.maxAbsDiff(base, expected) > 1e-2, "the adapter matters");
                double diff = LoraAdaptersTest.maxAbsDiff(expected, got);
                assertTrue(diff < 1e-5, "max |adapter - host merged| = " + diff);
            }
        }
    }

    @Test
    void loaderErrorsNameTheFileAndTheTensorOrField() throws IOException {
        long intermediate = dev.ares.model.qwen.QwenConfig.load(Fixtures.dir("qwen2-tiny")).intermediateSize();
        Map<String, long[]> modules = modules(intermediate);
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu())) {
            String missing = "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight";
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> LoraAdapters.load(
                    writeAdapter(tmp.resolve("missing"), CONFIG, modules, factors(modules, 1, R), R, false, missing,
                            null), model));
            assertEquals(missing, e.item());
            assertEquals("adapter_model.safetensors", e.file().getFileName().toString());
            assertTrue(e.getMessage().contains("missing"), e.getMessage());

            e = assertThrows(ModelFormatException.class, () -> LoraAdapters.load(writeAdapter(tmp.resolve("rank"),
                    CONFIG.replace("\"r\": 2", "\"r\": 4"), modules, factors(modules, 1, R), R, false, null, null),
                    model));
            assertTrue(e.getMessage().contains("rank mismatch") && e.getMessage().contains("r = 4"), e.getMessage());
            assertTrue(e.item().endsWith("lora_A.weight"), e.item());

            e = assertThrows(ModelFormatException.class, () -> LoraAdapters.load(writeAdapter(tmp.resolve("unknown"),
                    CONFIG.replace("\"down_proj\"]", "\"down_proj\", \"c_attn\"]"), modules, factors(modules, 1, R), R,
                    false, null, null), model));
            assertEquals("target_modules", e.item());
            assertEquals("adapter_config.json", e.file().getFileName().toString());
            assertTrue(e.getMessage().contains("c_attn"), e.getMessage());

            String stray = "base_model.model.model.layers.7.self_attn.q_proj.lora_A.weight";
            e = assertThrows(ModelFormatException.class, () -> LoraAdapters.load(writeAdapter(tmp.resolve("extra"),
                    CONFIG, modules, factors(modules, 1, R), R, false, null, stray), model));
            assertEquals(stray, e.item());
            assertTrue(e.getMessage().contains("not accounted for"), e.getMessage());

            e = assertThrows(ModelFormatException.class, () -> LoraAdapters.load(writeAdapter(tmp.resolve("ia3"),
                    CONFIG.replace("\"LORA\"", "\"IA3\""), modules, factors(modules, 1, R), R, false, null, null), model));
            assertEquals("peft_type", e.item());

            e = assertThrows(ModelFormatException.class, () -> LoraAdapters.load(writeAdapter(tmp.resolve("dora"),
                    CONFIG.replace("\"use_dora\": false", "\"use_dora\": true"), modules, factors(modules, 1, R), R,
                    false, null, null), model));
            assertEquals("use_dora", e.item());

            e = assertThrows(ModelFormatException.class, () -> LoraAdapters.load(tmp.resolve("nothing"), model));
            assertEquals("adapter_config.json", e.file().getFileName().toString());
            // The failed loads left no adapters behind: the model still computes its base logits.
            try (LoraAdapters ok = LoraAdapters.load(writeAdapter(tmp.resolve("ok"), CONFIG, modules,
                    factors(modules, 1, R), R, false, null, null), model)) {
                assertEquals(3 * 2, ok.pairs().size());
            }
        }
    }

    @Test
    void targetModulesAreMatchedAsPeftMatchesThem() throws IOException {
        Path f = tmp.resolve("adapter_config.json");
        Files.writeString(f, CONFIG.replace("[\"v_proj\", \"q_proj\", \"down_proj\"]",
                "\"model\\\\.layers\\\\.\\\\d+\\\\.(self_attn\\\\.[qv]|mlp\\\\.up)_proj\""));
        assertEquals(EnumSet.of(LoraTarget.Q_PROJ, LoraTarget.V_PROJ, LoraTarget.UP_PROJ),
                AdapterConfigJson.read(f, 2).targets());
        Files.writeString(f, CONFIG.replace("[\"v_proj\", \"q_proj\", \"down_proj\"]", "[\"self_attn.k_proj\", \"o_proj\"]"));
        assertEquals(EnumSet.of(LoraTarget.K_PROJ, LoraTarget.O_PROJ), AdapterConfigJson.read(f, 2).targets());
        Files.writeString(f, CONFIG.replace("[\"v_proj\", \"q_proj\", \"down_proj\"]", "\"all-linear\""));
        assertEquals(EnumSet.allOf(LoraTarget.class), AdapterConfigJson.read(f, 2).targets());
        Files.writeString(f, CONFIG.replace("[\"v_proj\", \"q_proj\", \"down_proj\"]", "[\"layers.0.self_attn.q_proj\"]"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> AdapterConfigJson.read(f, 2));
        assertTrue(e.getMessage().contains("only in layers [0]"), e.getMessage());
    }
}
