package dev.ares.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.TrajectoryScore;
import dev.ares.core.scoring.AepoStepScorer;
import dev.ares.testkit.Records;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The per-bucket metrics of {@link MeteredStepScorer} agree with the batches it passes on. */
class MeteredStepScorerTest {

    private static String tag(Bucket b) {
        return b.name().toLowerCase(Locale.ROOT);
    }

    @Test
    void countersAndMeansFollowTheScoredBatches() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AepoStepScorer scorer = ScoredBatches.freshScorer();
        MeteredStepScorer metered = new MeteredStepScorer(scorer, registry);
        List<ScoredBatch> batches = ScoredBatches.score(scorer, "run-m", 0, 0);
        assertTrue(batches.isEmpty());
        // testkit groups answer "answer \boxed{7}" to reference "7": every trajectory is right, every group easy
        List<ScoredBatch> out = new java.util.ArrayList<>();
        for (int g = 0; g < 3; g++) {
            out.addAll(metered.accept(Records.group(Records.request("run-m", "m" + g, 0, 3, 8), 32, g)));
        }
        assertEquals(1, out.size());
        ScoredBatch batch = out.get(0);
        double reward = 0;
        for (ScoredGroup g : batch.groups()) {
            assertEquals(Bucket.EASY, g.bucket());
            for (TrajectoryScore t : g.trajectories()) {
                assertEquals(1.0, t.accuracy());
                reward += t.reward();
            }
        }
        assertEquals(3.0, registry.get("ares.reward.groups").tag("bucket", "easy").counter().count());
        assertEquals(0.0, registry.get("ares.reward.groups").tag("bucket", "hard").counter().count());
        assertEquals(24.0, registry.get("ares.reward.trajectories").tag("bucket", "easy").counter().count());
        // the accuracy filter drops all-correct groups
        assertEquals(0.0, registry.get("ares.reward.groups.kept").tag("bucket", "easy").counter().count());
        assertEquals(1.0, registry.get("ares.reward.accuracy.mean").tag("bucket", "easy").gauge().value());
        assertEquals(reward / 24, registry.get("ares.reward.reward.mean").tag("bucket", "easy").gauge().value(), 1e-12);
        assertTrue(Double.isNaN(registry.get("ares.reward.accuracy.mean").tag("bucket", tag(Bucket.MEDIUM))
                .gauge().value()));
        assertEquals(batch.stats().hweThreshold(), registry.get("ares.reward.hwe.threshold.nats").gauge().value());
        assertEquals(1.0, registry.get("ares.reward.batches").tag("partial", "false").counter().count());

        metered.accept(Records.group(Records.request("run-m", "m0", 0, 3, 8), 32, 0));
        metered.accept(Records.group(Records.request("run-m", "late", 0, 3, 8), 32, 9));
        assertEquals(2.0, registry.get("ares.reward.late.groups").functionCounter().count());
        metered.accept(Records.group(Records.request("run-m", "x", 1, 2, 8), 32, 9));
        assertEquals(List.of(), metered.expire(System.currentTimeMillis()));
        assertEquals(1, metered.expire(System.currentTimeMillis() + 60_000).size());
        assertEquals(1.0, registry.get("ares.reward.batches").tag("partial", "true").counter().count());
    }

    @Test
    void prometheusNamesStartWithAresReward() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new MeteredStepScorer(AepoStepScorer.fresh(AepoConfig.code(), Duration.ofSeconds(1)), registry);
        String text = registry.scrape();
        // the simpleclient exposition writes a trailing comma inside the braces
        for (String name : List.of("ares_reward_groups_total\\{bucket=\"hard\",?\\}",
                "ares_reward_accuracy_mean\\{bucket=\"medium\",?\\}", "ares_reward_reward_mean\\{bucket=\"easy\",?\\}",
                "ares_reward_late_groups_total", "ares_reward_groups_kept_total\\{bucket=\"easy\",?\\}",
                "ares_reward_batches_total\\{partial=\"true\",?\\}")) {
            assertTrue(java.util.regex.Pattern.compile("(?m)^" + name + " ").matcher(text).find(), name + " in\n" + text);
        }
    }
}
