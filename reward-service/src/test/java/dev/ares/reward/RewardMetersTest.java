package dev.ares.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.scoring.AepoStepScorer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RewardMeters} exist before the scorer does (the service registers them before its restore; issue 9). */
class RewardMetersTest {

    @Test
    void everySeriesExistsBeforeTheScorer() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new RewardMeters(registry);
        for (Bucket b : Bucket.values()) {
            String tag = RewardMeters.tag(b);
            assertEquals(0.0, registry.get("ares.reward.groups").tag("bucket", tag).counter().count());
            assertTrue(Double.isNaN(registry.get("ares.reward.reward.mean").tag("bucket", tag).gauge().value()));
        }
        assertEquals(Bucket.values().length, registry.find("ares.reward.accuracy.mean").gauges().size());
        assertEquals(0.0, registry.get("ares.reward.late.groups").functionCounter().count());
        assertEquals(0.0, registry.get("ares.reward.failed.steps").functionCounter().count());
        assertTrue(Double.isNaN(registry.get("ares.reward.hwe.threshold.nats").gauge().value()));
    }

    @Test
    void onlyOneScorerFeedsTheCounters() {
        RewardMeters meters = new RewardMeters(new SimpleMeterRegistry());
        AepoStepScorer first = AepoStepScorer.fresh(AepoConfig.code(), Duration.ofSeconds(1));
        meters.attach(first);
        meters.attach(first); // the same one again is fine
        AepoStepScorer second = AepoStepScorer.fresh(AepoConfig.code(), Duration.ofSeconds(1));
        assertThrows(IllegalStateException.class, () -> meters.attach(second));
    }
}
