package dev.ares.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Size budget of the binary rollout-group encoding (issue 2 item 4: at most 14 bytes per token plus the text),
 * checked on realistic synthetic data. Sizes are deterministic for a seed, so this is a regression test, not a
 * timing test; the timings are in {@link CodecBenchmark} and docs/benchmarks.md.
 */
class RolloutGroupSizeTest {
    private static final int TRAJECTORIES = 8;
    private static final int TOKENS = 2048;

    private static double bytesPerToken(SamplingParams sampling) {
        RolloutGroup group = new BenchmarkRollouts(99).group("g", TRAJECTORIES, TOKENS, sampling, 0);
        byte[] bytes = Codecs.rolloutGroup().encode(group);
        assertEquals(group, Codecs.rolloutGroup().decode(bytes));
        return (double) bytes.length / (TRAJECTORIES * TOKENS);
    }

    @Test
    void untruncatedSamplingStaysWellUnderBudget() {
        // Token id (<= 3 byte varint) + one shared logprob array + entropy + trigger bit, before compression ~11.1.
        double perToken = bytesPerToken(new SamplingParams(1.0, 1.0, 0, 4096, 1, List.of()));
        assertTrue(perToken <= 11.0, "bytes per token " + perToken);
    }

    @Test
    void truncatedSamplingWithDistinctLogprobsStaysUnderBudget() {
        double perToken = bytesPerToken(new SamplingParams(0.7, 0.95, 0, 4096, 1, List.of()));
        assertTrue(perToken <= 14.0, "bytes per token " + perToken);
    }
}
