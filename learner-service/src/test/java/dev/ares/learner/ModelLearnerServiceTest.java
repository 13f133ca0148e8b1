package dev.ares.learner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.BatchStats;
import dev.ares.core.protocol.Bucket;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.FinishReason;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.Timings;
import dev.ares.core.protocol.Trajectory;
import dev.ares.core.protocol.TrajectoryScore;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.testkit.LocalKafkaResource;
import dev.ares.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * learner-service with the real {@code ModelLearnerLoop} on the qwen2-tiny fixture over the real local broker:
 * readiness UP, requests published within the staleness bound, a scored batch trained into a train event and an
 * announced checkpoint, metrics on {@code /q/metrics}.
 */
@QuarkusTest
@TestProfile(ModelLearnerServiceTest.RealLoop.class)
@WithTestResource(LocalKafkaResource.class)
class ModelLearnerServiceTest {
    static final String RUN = "svc-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(90);

    public static class RealLoop implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = RealLearnerOverrides.of(RUN, "tiny-test", 1);
            return m;
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void requestsGoOutAndAScoredBatchBecomesATrainEventAndACheckpoint() {
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            List<RolloutRequest> reqs = new ArrayList<>();
            for (int g = 0; g < 2; g++) {
                String gid = RUN + "-s0-g" + g;
                ConsumerRecord<String, byte[]> r = probe.await("ares.rollout.requests", x -> gid.equals(x.key()), WAIT);
                reqs.add(Codecs.rolloutRequest().decode(r.value()));
            }
            assertEquals(0, reqs.get(0).step());
            assertEquals(2, reqs.get(0).groupsInStep());
            given().get("/q/health/ready").then().statusCode(200).body(containsString("policy v0"));

            probe.send("ares.scored", "0", Codecs.scoredBatch().encode(batch(reqs)));
            ConsumerRecord<String, byte[]> ev = probe.await("ares.train.events", x -> RUN.equals(x.key()), WAIT);
            TrainEvent event = Codecs.trainEvent().decode(ev.value());
            assertEquals(0, event.step());
            assertEquals(4.0, event.metrics().get("outcome/trajectories/trained"));
            assertEquals(1.0, event.metrics().get("policy/version"));
            assertTrue(Double.isFinite(event.metrics().get("loss/total")));
            ConsumerRecord<String, byte[]> ck = probe.await("ares.checkpoints", x -> "tiny-test".equals(x.key())
                    && Codecs.checkpointEvent().decode(x.value()).uri().contains(RUN), WAIT);
            CheckpointEvent c = Codecs.checkpointEvent().decode(ck.value());
            assertEquals(1, c.version());
            // the next step's requests carry the new policy version
            ConsumerRecord<String, byte[]> next = probe.await("ares.rollout.requests",
                    x -> (RUN + "-s1-g0").equals(x.key()), WAIT);
            assertEquals(1, Codecs.rolloutRequest().decode(next.value()).policyVersion());
        }
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("ares_learner_step"))
                .body(containsString("ares_learner_dropped_total{reason=\"stale\"}"))
                .body(containsString("ares_trajectory_duplicates_total"));
    }

    /** A scored batch answering {@code reqs}: 2 trajectories per group, one right (+1), one wrong (−1). */
    static ScoredBatch batch(List<RolloutRequest> reqs) {
        List<ScoredGroup> groups = new ArrayList<>();
        for (RolloutRequest r : reqs) {
            List<Trajectory> ts = new ArrayList<>();
            List<TrajectoryScore> sc = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                String id = r.groupId() + "-t" + k;
                int[] ids = {10 + k, 20 + k, 30 + k, 2};
                float[] lp = {-5f, -5f, -5f, -5f};
                ts.add(new Trajectory(id, ids, "x", lp, lp, new float[] {1, 1, 1, 1}, new boolean[4], null, -1,
                        FinishReason.EOS, 0, new Timings(1, 3, 4)));
                sc.add(new TrajectoryScore(id, 1 - k, 1, 0, List.of(), 0, 1 - k, k == 0 ? 1 : -1));
            }
            RolloutGroup g = new RolloutGroup(r.runId(), r.step(), r.groupsInStep(), r.groupId(), r.requestId(),
                    r.prompt().referenceAnswer(), r.prompt().source(), r.sampling(), new int[] {5, 6, 7}, ts);
            groups.add(new ScoredGroup(r.groupId(), 0.5, Bucket.MEDIUM, true, sc, g));
        }
        return new ScoredBatch(reqs.get(0).runId(), 0, groups, new BatchStats(1.0, Map.of(), Map.of()), false);
    }
}
