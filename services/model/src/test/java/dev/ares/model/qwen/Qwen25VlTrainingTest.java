package dev.ares.model.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.vision.GridThw;
import dev.ares.model.vision.ImageFeatures;
import dev.ares.model.weights.SafetensorsFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A training forward through the whole Qwen2.5-VL model: the vision tower is left out of {@code parameters()}
 * unless made trainable, and gradients reach its weights through the image-pad placement, matching central
 * finite differences.
 */
class Qwen25VlTrainingTest {
    @Test
    void visionTowerIsFrozenByDefaultAndTrainableOnRequest() throws Exception {
        try (QwenModel loaded = QwenModel.load(Fixtures.dir("qwen2_5_vl-tiny"), DeviceSpec.cpu());
             SafetensorsFile exp = SafetensorsFile.open(Fixtures.dir("qwen2_5_vl-tiny").resolve("expected.safetensors"));
             NDManager m = loaded.manager().newSubManager()) {
            Qwen25VlModel model = (Qwen25VlModel) loaded;
            assertFalse(model.parameters().keySet().stream().anyMatch(k -> k.startsWith("visual.")));
            model.setVisionTrainable(true);
            assertTrue(model.parameters().containsKey("visual.blocks.0.attn.qkv.weight"));
            assertTrue(model.parameters().containsKey("model.layers.0.self_attn.qkv_proj.weight"));

            NDArray ids = exp.load("input_ids", m, null);
            NDArray mask = exp.load("attention_mask", m, null);
            ImageFeatures image = new ImageFeatures(exp.load("pixel_values", m, null).toFloatArray(), 1176,
                    List.of(new GridThw(1, 8, 10)));
            NDArray w = model.parameters().get("visual.merger.mlp.0.weight");
            w.setRequiresGradient(true);
            float analytic;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss(model, ids, mask, image);
                gc.backward(l);
                analytic = w.getGradient().getFloat(10, 20);
            }
            float e = 1e-2f;
            float base = w.getFloat(10, 20);
            w.set(new NDIndex("10, 20"), base + e);
            double up = loss(model, ids, mask, image).getFloat();
            w.set(new NDIndex("10, 20"), base - e);
            double down = loss(model, ids, mask, image).getFloat();
            w.set(new NDIndex("10, 20"), base);
            double numeric = (up - down) / (2 * e);
            System.out.printf("vision weight gradient: analytic %.6g, finite difference %.6g%n", analytic, numeric);
            assertTrue(Math.abs(numeric) > 1e-5, "the chosen weight matters: " + numeric);
            assertEquals(numeric, analytic, 0.03 * Math.abs(numeric) + 1e-5);
        }
    }

    /** Mean negative log-probability of the next prompt token over the text after the image. */
    private static NDArray loss(Qwen25VlModel model, NDArray ids, NDArray mask, ImageFeatures image) {
        NDArray logp = model.forwardMultimodal(ids, mask, image, null, false).logSoftmax(-1);   // [1, 34, V]
        long[] tokens = ids.toLongArray();
        NDArray total = null;
        for (int t = 26; t < 33; t++) {
            NDArray lp = logp.get(new NDIndex("0, {}, {}", t, tokens[t + 1]));
            total = total == null ? lp : total.add(lp);
        }
        return total.div(-7f);
    }
}
