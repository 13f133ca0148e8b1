package dev.ares.reward;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.aepo.ControllerState;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.TrajectoryScore;
import dev.ares.core.scoring.AepoStepScorer;
import dev.ares.testkit.LocalKafkaResource;
import dev.ares.testkit.Records;
import dev.ares.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** reward-service with the real AEPO scorer (the test double excluded) against the real local broker. */
@QuarkusTest
@TestProfile(AepoScoringServiceTest.RealScorer.class)
@WithTestResource(LocalKafkaResource.class)
class AepoScoringServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** Excludes {@link FakeStepScorer}, so the producer's scorer is used. */
    public static class RealScorer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.arc.exclude-types", FakeStepScorer.class.getName());
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aStepOfTwoGroupsIsScoredByAepoAndPublishedWithItsControllerState() {
        String run = "run-" + UUID.randomUUID();
        long step = 7;
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            for (int g = 0; g < 2; g++) {
                RolloutGroup group = Records.group(Records.request(run, run + "-g" + g, step, 2, 8), 24, g);
                probe.send("ares.rollouts", Long.toString(step), Codecs.rolloutGroup().encode(group));
            }
            ConsumerRecord<String, byte[]> out = probe.await("ares.scored",
                    r -> Long.toString(step).equals(r.key()) && Codecs.scoredBatch().decode(r.value()).runId().equals(run),
                    WAIT);
            ScoredBatch batch = Codecs.scoredBatch().decode(out.value());
            assertFalse(batch.partial());
            assertEquals(2, batch.groups().size());
            for (ScoredGroup g : batch.groups()) {
                // testkit trajectories answer "answer \boxed{7}" to reference "7": right, but without <think>
                assertEquals(1.0, g.passRate());
                assertEquals(Bucket.EASY, g.bucket());
                assertFalse(g.keep(), "the accuracy filter drops all-correct groups");
                for (TrajectoryScore t : g.trajectories()) {
                    assertEquals(1.0, t.accuracy());
                    assertEquals(0.0, t.format());
                }
            }
            ControllerState next = AepoStepScorer.restore(batch.stats());
            assertEquals(ControllerState.initial(AepoConfig.code()).step() + 1, next.step(),
                    "a fresh run starts from the initial state and its first batch advances it by one step");
            // τ's statistic is taken over the kept responses only; none was kept, so no threshold yet
            assertEquals(null, next.tau());
        }
        given().get("/q/metrics").then().statusCode(200)
                .body(matchesPattern("(?s).*ares_reward_groups_total\\{bucket=\"easy\",?\\} [1-9].*"))
                .body(matchesPattern("(?s).*ares_reward_accuracy_mean\\{bucket=\"easy\",?\\} 1\\.0.*"))
                .body(matchesPattern("(?s).*ares_reward_late_groups_total(\\{[^}]*\\})? 0\\.0.*"));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
