package dev.ares.model.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ares.model.DeviceSpec;
import dev.ares.model.Fixtures;
import dev.ares.model.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reproduces the transformers reference outputs of the tiny Qwen2 and Qwen3 fixtures (README of
 * fixtures/hf-reference): logits within 1e-4 of the float64 reference at every unmasked position, the
 * left-padded row included, and the entropy of softmax(logits) within 1e-4, with both config layouts.
 */
class QwenFixtureTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"qwen2-tiny, config.json", "qwen2-tiny, config.legacy.json",
            "qwen3-tiny, config.json", "qwen3-tiny, config.legacy.json"})
    void logitsAndEntropyMatchTheFloat64Reference(String fixture, String configFile) throws IOException {
        Path dir = Fixtures.copy(fixture, tmp.resolve(fixture));
        Files.copy(Fixtures.dir(fixture).resolve(configFile), dir.resolve("config.json"),
                StandardCopyOption.REPLACE_EXISTING);
        try (QwenModel model = QwenModel.load(dir, DeviceSpec.cpu());
             SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"));
             NDManager m = model.manager().newSubManager()) {
            assertEquals(fixture.startsWith("qwen2") ? Qwen2Model.class : Qwen3Model.class, model.getClass());
            NDArray ids = expected.load("input_ids", m, null);
            NDArray mask = expected.load("attention_mask", m, null);
            NDArray pos = expected.load("position_ids", m, null);
            float[] logits = model.forward(ids, pos, mask, null, false).toFloatArray();
            double[] ref = expected.load("logits_f64", m, null).toDoubleArray();
            double[] refEntropy = expected.load("entropy_f64", m, null).toDoubleArray();
            long[] maskValues = mask.toLongArray();
            int v = model.config().vocabSize();
            double maxDiff = 0;
            double maxEntropyDiff = 0;
            int checked = 0;
            for (int p = 0; p < maskValues.length; p++) {
                if (maskValues[p] == 0) {
                    continue;
                }
                checked++;
                double[] row = new double[v];
                for (int j = 0; j < v; j++) {
                    row[j] = logits[p * v + j];
                    maxDiff = Math.max(maxDiff, Math.abs(row[j] - ref[p * v + j]));
                }
                maxEntropyDiff = Math.max(maxEntropyDiff, Math.abs(entropy(row) - refEntropy[p]));
            }
            assertEquals(2 * 17 - 5, checked, "every unmasked position of both rows is compared");
            assertTrue(maxDiff < 1e-4, "max |logits - logits_f64| = " + maxDiff);
            assertTrue(maxEntropyDiff < 1e-4, "max |entropy - entropy_f64| = " + maxEntropyDiff);
        }
    }

    static double entropy(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : logits) {
            max = Math.max(max, x);
        }
        double z = 0;
        for (double x : logits) {
            z += Math.exp(x - max);
        }
        double logZ = Math.log(z) + max;
        double h = 0;
        for (double x : logits) {
            double lp = x - logZ;
            h -= Math.exp(lp) * lp;
        }
        return h;
    }
}
