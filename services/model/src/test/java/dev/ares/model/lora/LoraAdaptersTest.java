package dev.ares.model.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.Generator;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.train.AdamW;
import dev.ares.model.train.TokenScorer;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** LoRA on the tiny fixtures: neutral when fresh, trainable alone, PEFT round trip, merge. */
class LoraAdaptersTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qwen2-tiny", "qwen3-tiny"})
    void aFreshAdapterLeavesLogitsAndGreedyIdsUnchanged(String fixture) throws IOException {
        try (QwenModel model = QwenModel.load(Fixtures.dir(fixture), DeviceSpec.cpu())) {
            float[] before = logits(model, fixture);
            LoraAdapters lora = LoraAdapters.attach(model, LoraConfig.of(4, 8, List.of("all-linear"), null), 7);
            assertEquals(7 * model.config().numLayers(), lora.pairs().size());
            for (LoraPair p : lora.pairs()) {
                double bound = 1 / Math.sqrt(p.target().inFeatures(model.config()));
                float[] a = p.a().toFloatArray();
                double maxAbs = 0;
                for (float v : a) {
                    assertTrue(Math.abs(v) <= bound, p.nameA() + " value " + v + " outside +-" + bound);
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                }
                assertTrue(maxAbs > 0.8 * bound, p.nameA() + " spans the Kaiming-uniform range");
                for (float v : p.b().toFloatArray()) {
                    assertEquals(0f, v, p.nameB());
                }
            }
            assertArrayEquals(before, logits(model, fixture), "B = 0 adds exactly nothing");
            long[] greedy = fixtureTensor(fixture, "greedy_ids");
            int[] prompt = new int[17];
            int[] want = new int[24];
            for (int i = 0; i < 17; i++) {
                prompt[i] = (int) greedy[i];
            }
            for (int i = 0; i < 24; i++) {
                want[i] = (int) greedy[17 + i];
            }
            int[] got = new Generator(model).generate(List.of(prompt), GenerationParams.greedy(24)).get(0).ids();
            assertArrayEquals(want, got, "KV-cache decode path with adapters attached");
            float[] firstA = lora.pairs().get(3).a().toFloatArray();
            lora.detach();
            try (LoraAdapters again = LoraAdapters.attach(model, LoraConfig.of(4, 8, List.of("all-linear"), null), 7)) {
                assertArrayEquals(firstA, again.pairs().get(3).a().toFloatArray(), "same seed, same A");
            }
        }
    }

    @Test
    void adamWOnTheAdaptersChangesTheLogitsAndNothingElse() throws IOException {
        String fixture = "qwen3-tiny";
        try (QwenModel model = QwenModel.load(Fixtures.dir(fixture), DeviceSpec.cpu());
             SafetensorsFile exp = SafetensorsFile.open(Fixtures.dir(fixture).resolve("expected.safetensors"));
             NDManager m = model.manager().newSubManager()) {
            Map<String, float[]> base = snapshot(model.parameters());
            float[] before = logits(model, fixture);
            List<String> targets = List.of("q_proj", "v_proj", "o_proj", "up_proj", "down_proj");
            LoraAdapters lora = LoraAdapters.attach(model, LoraConfig.of(4, 16, targets, null), 11);
            Set<String> expectedNames = new TreeSet<>();
            for (int layer = 0; layer < 2; layer++) {
                for (String t : targets) {
                    String block = t.equals("q_proj") || t.equals("v_proj") || t.equals("o_proj") ? "self_attn" : "mlp";
                    for (String f : new String[] {"lora_A", "lora_B"}) {
                        expectedNames.add("base_model.model.model.layers." + layer + "." + block + "." + t + "." + f
                                + ".weight");
                    }
                }
            }
            assertEquals(expectedNames, new TreeSet<>(lora.trainableParameters().keySet()));
            NDArray ids = exp.load("input_ids", m, null).get("0:1, 0:16");
            NDArray targetsIds = exp.load("input_ids", m, null).get("0:1, 1:17");
            NDArray pos = m.arange(0, 16).toType(DataType.INT64, false).reshape(1, 16);
            NDArray mask = m.ones(new Shape(1, 16));
            AdamW opt = AdamW.withDefaults(lora.trainableParameters(), 1e-2);
            double first = Double.NaN;
            double last = Double.NaN;
            for (int step = 0; step < 6; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = TokenScorer.score(model, ids, pos, mask, targetsIds, 1.0).logprobs().mean().neg();
                    gc.backward(loss);
                    last = loss.getFloat();
                    if (step == 0) {
                        first = last;
                    }
                }
                opt.step();
            }
            assertTrue(last < first - 0.05, "loss " + first + " -> " + last);
            for (LoraPair p : lora.pairs()) {
                assertTrue(maxAbs(p.b().toFloatArray()) > 1e-4, p.nameB() + " was trained");
            }
            Map<String, float[]> after = snapshot(model.parameters());
            for (Map.Entry<String, float[]> e : base.entrySet()) {
                assertArrayEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " is a base weight");
            }
            float[] now = logits(model, fixture);
            assertTrue(maxAbsDiff(before, now) > 1e-3, "the trained adapters change the logits");
            lora.detach();
            assertArrayEquals(before, logits(model, fixture), "detaching restores the base model");
        }
    }

    @Test
    void saveThenLoadReproducesTheAdaptedLogits() throws IOException {
        String fixture = "qwen2-tiny";
        Path dir = tmp.resolve("adapter");
        List<String> targets = List.of("q_proj", "k_proj", "v_proj", "gate_proj");
        float[] adapted;
        try (QwenModel model = QwenModel.load(Fixtures.dir(fixture), DeviceSpec.cpu());
             LoraAdapters lora = LoraAdapters.attach(model, LoraConfig.of(3, 6, targets, "qwen2-tiny"), 5)) {
            randomiseB(lora, 21, 0.2f);
            adapted = logits(model, fixture);
            lora.save(dir);
        }
        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals(3, cfg.get("r").asInt());
        assertEquals(6.0, cfg.get("lora_alpha").asDouble());
        assertEquals("qwen2-tiny", cfg.get("base_model_name_or_path").asText());
        List<String> written = new ArrayList<>();
        cfg.get("target_modules").forEach(n -> written.add(n.asText()));
        assertEquals(targets, written);
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            assertEquals(2 * 4 * 2, f.names().size());
            assertArrayEquals(new long[] {3, 64},
                    f.info("base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight").shape());
            assertArrayEquals(new long[] {32, 3},
                    f.info("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight").shape());
            assertArrayEquals(new long[] {model_intermediate(fixture), 3},
                    f.info("base_model.model.model.layers.0.mlp.gate_proj.lora_B.weight").shape());
        }
        try (QwenModel model = QwenModel.load(Fixtures.dir(fixture), DeviceSpec.cpu());
             LoraAdapters lora = LoraAdapters.load(dir, model)) {
            assertEquals(2.0, lora.config().scaling());
            assertArrayEquals(adapted, logits(model, fixture));
        }
    }

    @Test
    void mergedWeightsGiveTheAdaptedLogits() throws IOException {
        String fixture = "qwen2-tiny";
        try (QwenModel model = QwenModel.load(Fixtures.dir(fixture), DeviceSpec.cpu())) {
            float[] base = logits(model, fixture);
            LoraAdapters lora = LoraAdapters.attach(model, LoraConfig.of(8, 16, List.of("all-linear"), null), 3);
            randomiseB(lora, 9, 0.1f);
            float[] adapted = logits(model, fixture);
            assertTrue(maxAbsDiff(base, adapted) > 1e-2, "the adapter matters: " + maxAbsDiff(base, adapted));
            lora.merge();
            assertFalse(lora.isAttached());
            assertThrows(IllegalStateException.class, lora::trainableParameters);
            float[] merged = logits(model, fixture);
            double diff = maxAbsDiff(adapted, merged);
            assertTrue(diff < 1e-5, "max |merged - adapted| = " + diff);
        }
    }

    @Test
    void oneAdapterSetPerModelAndDropoutIsRefused() throws IOException {
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu());
             LoraAdapters lora = LoraAdapters.attach(model, LoraConfig.of(2, 2, List.of("q_proj"), null), 1)) {
            IllegalStateException twice = assertThrows(IllegalStateException.class,
                    () -> LoraAdapters.attach(model, LoraConfig.of(2, 2, List.of("v_proj"), null), 1));
            assertTrue(twice.getMessage().contains("already"), twice.getMessage());
            lora.detach();
            LoraConfig withDropout = new LoraConfig(2, 2, LoraConfig.of(2, 2, List.of("q_proj"), null).targets(),
                    0.1, false, null);
            assertThrows(IllegalArgumentException.class, () -> LoraAdapters.attach(model, withDropout, 1));
        }
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> LoraConfig.of(2, 2, List.of("q_proj", "lm_head"), null));
        assertTrue(unknown.getMessage().contains("lm_head"), unknown.getMessage());
    }

    private static long model_intermediate(String fixture) {
        return dev.ares.model.qwen.QwenConfig.load(Fixtures.dir(fixture)).intermediateSize();
    }

    /** Float32 logits of the fixture's whole two-row batch (left-padded row included). */
    static float[] logits(QwenModel model, String fixture) throws IOException {
        try (SafetensorsFile exp = SafetensorsFile.open(Fixtures.dir(fixture).resolve("expected.safetensors"));
             NDManager m = model.manager().newSubManager()) {
            return model.forward(exp.load("input_ids", m, null), exp.load("position_ids", m, null),
                    exp.load("attention_mask", m, null), null, false).toFloatArray();
        }
    }

    static long[] fixtureTensor(String fixture, String name) throws IOException {
        try (SafetensorsFile exp = SafetensorsFile.open(Fixtures.dir(fixture).resolve("expected.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            return exp.load(name, m, null).toLongArray();
        }
    }

    /** Fills every B with seeded uniform values in {@code [-scale, scale]} (B starts at zero). */
    static void randomiseB(LoraAdapters lora, long seed, float scale) {
        Random rnd = new Random(seed);
        for (LoraPair p : lora.pairs()) {
            float[] v = new float[Math.toIntExact(p.b().size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (2 * rnd.nextFloat() - 1) * scale;
            }
            try (NDArray values = p.b().getManager().create(v, p.b().getShape())) {
                p.b().addi(values);
            }
        }
    }

    static Map<String, float[]> snapshot(Map<String, NDArray> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    static double maxAbs(float[] a) {
        double d = 0;
        for (float v : a) {
            d = Math.max(d, Math.abs(v));
        }
        return d;
    }
}
