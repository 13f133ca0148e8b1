package dev.ares.model.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Empirical frequencies of {@link TokenSampler} against the truncated, renormalised distribution. */
class TokenSamplerTest {
    @ParameterizedTest(name = "T={0} topK={1} topP={2}")
    @CsvSource({"1.0, 0, 1.0", "0.5, 0, 1.0", "1.3, 3, 1.0", "1.0, 0, 0.7", "0.8, 4, 0.6"})
    void frequenciesMatchTheTruncatedDistribution(double temp, int topK, double topP) {
        double[] logits = {2.0, 1.5, 1.4, 0.3, -0.5, -1.0, 0.9, -3.0};
        int v = logits.length;
        int rows = 4000;
        float[] flat = new float[rows * v];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < v; j++) {
                flat[r * v + j] = (float) logits[j];
            }
        }
        double[] q = GeneratorTest.truncated(GeneratorTest.logSoftmax(logits, temp), topK, topP);
        GenerationParams p = new GenerationParams(1, temp, topP, topK, 0, Set.of(), List.of(), 0);
        Random rnd = new Random(11);
        float[] u = new float[rows];
        for (int r = 0; r < rows; r++) {
            u[r] = rnd.nextFloat();
        }
        int[] counts = new int[v];
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l = m.create(flat).reshape(rows, v);
            TokenSampler.Step s = TokenSampler.sample(l, p, u);
            double[] lp1 = GeneratorTest.logSoftmax(logits, 1.0);
            for (int r = 0; r < rows; r++) {
                int id = s.ids()[r];
                counts[id]++;
                assertTrue(q[id] > 0, "sampled token " + id + " outside the truncated support");
                assertEquals(Math.log(q[id]), s.sampledLogprobs()[r], 1e-5);
                assertEquals(lp1[id], s.modelLogprobs()[r], 1e-5);
            }
        }
        for (int j = 0; j < v; j++) {
            double sd = Math.sqrt(q[j] * (1 - q[j]) / rows);
            assertEquals(q[j], counts[j] / (double) rows, 4.5 * sd + 1e-9, "token " + j);
        }
    }
}
