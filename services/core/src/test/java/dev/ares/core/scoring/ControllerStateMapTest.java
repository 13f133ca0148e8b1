package dev.ares.core.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.aepo.BetaBucket;
import dev.ares.core.aepo.BetaControllerState;
import dev.ares.core.aepo.BucketTargets;
import dev.ares.core.aepo.BucketValues;
import dev.ares.core.aepo.ControllerState;
import dev.ares.core.protocol.BatchStats;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.ScoredBatch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The controller state survives the scored record: restore(flatten(state)) == state, and bad maps name the key. */
class ControllerStateMapTest {

    static Stream<Long> seeds() {
        return IntStream.range(0, 200).mapToObj(i -> 1000L + i);
    }

    private static Double maybe(SplittableRandom rnd, double v) {
        return rnd.nextInt(3) == 0 ? null : v;
    }

    private static BetaBucket beta(SplittableRandom rnd) {
        return new BetaBucket(rnd.nextDouble(-8, 3), rnd.nextDouble(0, 0.5), rnd.nextDouble(-2, 2), rnd.nextBoolean());
    }

    static ControllerState randomState(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return new ControllerState(rnd.nextLong(0, 1L << 40), maybe(rnd, rnd.nextDouble(0, 5)),
                new BucketValues(rnd.nextDouble(0, 2), rnd.nextDouble(0, 2), rnd.nextDouble(0, 2)),
                new BucketTargets(maybe(rnd, rnd.nextDouble(0, 30)), maybe(rnd, rnd.nextDouble(0, 30)),
                        maybe(rnd, rnd.nextDouble(0, 30))),
                new BetaControllerState(beta(rnd), beta(rnd), beta(rnd), rnd.nextLong(0, 1_000_000)),
                new BucketValues(rnd.nextDouble(0, 1), rnd.nextDouble(0, 1), rnd.nextDouble(0, 1)));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void restoreInvertsFlatten(long seed) {
        ControllerState state = randomState(seed);
        assertEquals(state, ControllerStateMap.restore(ControllerStateMap.flatten(state)));
    }

    @Test
    void theInitialStatesRoundTripThroughAnEncodedScoredBatch() {
        for (AepoConfig cfg : List.of(AepoConfig.code(), AepoConfig.paper())) {
            ControllerState initial = ControllerState.initial(cfg);
            BatchStats stats = new BatchStats(0.0, Map.of(), ControllerStateMap.flatten(initial));
            ScoredBatch batch = new ScoredBatch("run", 0, List.of(), stats, true);
            ScoredBatch decoded = Codecs.scoredBatch().decode(Codecs.scoredBatch().encode(batch));
            assertEquals(initial, AepoStepScorer.restore(decoded.stats()));
        }
    }

    @Test
    void flattenWritesTheDocumentedKeysAndValues() {
        ControllerState s = new ControllerState(7, 1.25, new BucketValues(0.5, 0.475, 0.525),
                new BucketTargets(null, 3.0, null),
                new BetaControllerState(BetaBucket.initial(1.0), new BetaBucket(-1.5, 0.02, 0.1, true),
                        BetaBucket.initial(0.5), 12),
                new BucketValues(0.1, 0.2, 0.3));
        Map<String, Double> m = ControllerStateMap.flatten(s);
        assertEquals(7.0, m.get("step"));
        assertEquals(1.25, m.get("tau"));
        assertEquals(0.475, m.get("alpha.medium"));
        assertEquals(3.0, m.get("laggedTarget.medium"));
        assertTrue(!m.containsKey("laggedTarget.easy") && !m.containsKey("laggedTarget.hard"));
        assertEquals(-1.5, m.get("beta.medium.logBeta"));
        assertEquals(1.0, m.get("beta.medium.klInitialized"));
        assertEquals(0.0, m.get("beta.easy.klInitialized"));
        assertEquals(Math.log(0.5), m.get("beta.hard.logBeta"));
        assertEquals(12.0, m.get("beta.ticks"));
        assertEquals(0.3, m.get("kappa.hard"));
        assertEquals(22, m.size());
        assertTrue(ControllerStateMap.keys().containsAll(m.keySet()));
        assertEquals(24, ControllerStateMap.keys().size());
    }

    private static void rejects(String expected, Consumer<Map<String, Double>> edit) {
        Map<String, Double> m = new HashMap<>(ControllerStateMap.flatten(randomState(5)));
        edit.accept(m);
        ControllerStateFormatException e = assertThrows(ControllerStateFormatException.class,
                () -> ControllerStateMap.restore(m));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void badMapsAreRejectedNamingTheKey() {
        rejects("misses key 'alpha.hard'", m -> m.remove("alpha.hard"));
        rejects("misses key 'beta.ticks'", m -> m.remove("beta.ticks"));
        rejects("unknown key 'alpha.extreme'", m -> m.put("alpha.extreme", 1.0));
        rejects("'step' must be a non-negative integer, got 2.5", m -> m.put("step", 2.5));
        rejects("'step' must be a non-negative integer, got -1.0", m -> m.put("step", -1.0));
        rejects("'beta.easy.klInitialized' must be 0 or 1, got 0.5", m -> m.put("beta.easy.klInitialized", 0.5));
        rejects("'tau' must be finite, got NaN", m -> m.put("tau", Double.NaN));
        rejects("'kappa.easy' must be finite, got Infinity", m -> m.put("kappa.easy", Double.POSITIVE_INFINITY));
        assertThrows(ControllerStateFormatException.class, () -> ControllerStateMap.restore(null));
    }
}
