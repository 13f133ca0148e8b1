package dev.ares.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Autograd through the shared forward blocks: scores against the fixture, gradients, and AdamW steps. */
class TrainingTest {
    @Test
    void scoresMatchTheReferenceAndGradientsMatchFiniteDifferences() throws IOException {
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen2-tiny"), DeviceSpec.cpu());
             SafetensorsFile exp = SafetensorsFile.open(Fixtures.dir("qwen2-tiny").resolve("expected.safetensors"));
             NDManager m = model.manager().newSubManager()) {
            NDArray ids = exp.load("input_ids", m, null).get("0:1");
            NDArray pos = exp.load("position_ids", m, null).get("0:1");
            NDArray mask = m.ones(new Shape(1, 17));
            long[] all = ids.toLongArray();
            long[] shifted = new long[17];
            for (int t = 0; t < 16; t++) {
                shifted[t] = all[t + 1];
            }
            NDArray targets = m.create(shifted, new Shape(1, 17));
            // Entropies at T = 1 equal the reference entropy_f64 of row 0.
            double[] refH = exp.load("entropy_f64", m, null).toDoubleArray();
            float[] h = TokenScorer.score(model, ids, pos, mask, targets, 1.0).entropies().toFloatArray();
            for (int t = 0; t < 17; t++) {
                assertEquals(refH[t], h[t], 1e-4);
            }
            NDArray w = model.parameters().get("model.layers.1.mlp.down_proj.weight");
            w.setRequiresGradient(true);
            float analytic;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = TokenScorer.score(model, ids, pos, mask, targets, 1.0).logprobs()
                        .get(new NDIndex(":, :16")).mean().neg();
                gc.backward(loss);
                analytic = w.getGradient().getFloat(3, 5);
            }
            float e = 1e-2f;
            float base = w.getFloat(3, 5);
            w.set(new NDIndex("3, 5"), base + e);
            double up = loss(model, ids, pos, mask, targets);
            w.set(new NDIndex("3, 5"), base - e);
            double down = loss(model, ids, pos, mask, targets);
            w.set(new NDIndex("3, 5"), base);
            double numeric = (up - down) / (2 * e);
            assertTrue(Math.abs(numeric) > 1e-4, "the chosen weight matters: " + numeric);
            assertEquals(numeric, analytic, 0.02 * Math.abs(numeric) + 1e-4);
        }
    }

    @Test
    void adamWStepsReduceTheLossOnARepeatedBatch() throws IOException {
        try (QwenModel model = QwenModel.load(Fixtures.dir("qwen3-tiny"), DeviceSpec.cpu());
             SafetensorsFile exp = SafetensorsFile.open(Fixtures.dir("qwen3-tiny").resolve("expected.safetensors"));
             NDManager m = model.manager().newSubManager()) {
            NDArray ids = exp.load("input_ids", m, null).get("0:1, 0:16");
            NDArray targets = exp.load("input_ids", m, null).get("0:1, 1:17");
            NDArray pos = m.arange(0, 16).toType(ai.djl.ndarray.types.DataType.INT64, false).reshape(1, 16);
            NDArray mask = m.ones(new Shape(1, 16));
            AdamW opt = AdamW.withDefaults(model.parameters(), 1e-2);
            double first = Double.NaN;
            double last = Double.NaN;
            for (int step = 0; step < 8; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = TokenScorer.score(model, ids, pos, mask, targets, 1.0).logprobs().mean().neg();
                    gc.backward(loss);
                    last = loss.getFloat();
                    if (step == 0) {
                        first = last;
                    }
                }
                opt.step();
            }
            assertEquals(8, opt.steps());
            assertTrue(last < first - 0.5, "loss " + first + " -> " + last);
        }
    }

    private static double loss(QwenModel model, NDArray ids, NDArray pos, NDArray mask, NDArray targets) {
        return TokenScorer.score(model, ids, pos, mask, targets, 1.0).logprobs().get(new NDIndex(":, :16")).mean()
                .neg().getFloat();
    }
}
