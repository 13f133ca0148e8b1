package dev.ares.learner;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.core.protocol.Trajectory;
import dev.ares.core.protocol.TrajectoryScore;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Reliability scenario 5 (tiers Q + K: the real learner loop on the qwen2-tiny fixture in the Quarkus service, over
 * the real local broker): the same scored batch is delivered twice (a producer retry), and a later group carries a
 * trajectory id that was already trained (a re-issued request). The learner trains each trajectory id once,
 * {@code ares_trajectory_duplicates_total} grows by exactly the number of redelivered trajectories (+1 for the single
 * repeated trajectory), and the advantage statistics of what is trained are those of the no-duplicate run.
 */
@QuarkusTest
@TestProfile(Scenario05DuplicateDeliveryTest.Profile.class)
@WithTestResource(LocalKafkaResource.class)
class Scenario05DuplicateDeliveryTest {
    static final String RUN = "dup-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(90);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = RealLearnerOverrides.of(RUN, "tiny-dup", 2);
            return m;
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    static double duplicatesTotal() {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^ares_trajectory_duplicates_total(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(body);
        assertTrue(m.find(), "ares_trajectory_duplicates_total is exported");
        return Double.parseDouble(m.group(1));
    }

    static List<RolloutRequest> requests(TopicProbe probe, long step) {
        List<RolloutRequest> reqs = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
            String gid = RUN + "-s" + step + "-g" + g;
            reqs.add(Codecs.rolloutRequest().decode(probe.await("ares.rollout.requests", x -> gid.equals(x.key()), WAIT)
                    .value()));
        }
        return reqs;
    }

    /** The batch answering {@code reqs} with the scored batch's step set to the requests' step. */
    static ScoredBatch batch(List<RolloutRequest> reqs) {
        ScoredBatch b = ModelLearnerServiceTest.batch(reqs);
        return new ScoredBatch(b.runId(), reqs.get(0).step(), b.groups(), b.stats(), b.partial());
    }

    /** {@code b} with the first trajectory of its last group replaced by {@code repeated} (same id and score). */
    static ScoredBatch withRepeatedTrajectory(ScoredBatch b, Trajectory repeated, TrajectoryScore score) {
        List<ScoredGroup> gs = new ArrayList<>(b.groups());
        ScoredGroup last = gs.remove(gs.size() - 1);
        List<Trajectory> ts = new ArrayList<>(last.rollout().trajectories());
        List<TrajectoryScore> ss = new ArrayList<>(last.trajectories());
        ts.set(0, repeated);
        ss.set(0, score);
        RolloutGroup r = last.rollout();
        RolloutGroup rg = new RolloutGroup(r.runId(), r.step(), r.groupsInStep(), r.groupId(), r.requestId(),
                r.referenceAnswer(), r.source(), r.sampling(), r.promptTokenIds(), ts);
        gs.add(new ScoredGroup(last.groupId(), last.passRate(), last.bucket(), last.keep(), ss, rg));
        return new ScoredBatch(b.runId(), b.step(), gs, b.stats(), b.partial());
    }

    /** Population mean and standard deviation of the advantages that the no-duplicate run trains on. */
    static double[] stats(List<Double> advantages) {
        double mean = advantages.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double var = advantages.stream().mapToDouble(a -> (a - mean) * (a - mean)).sum() / advantages.size();
        return new double[] {mean, Math.sqrt(var)};
    }

    static TrainEvent awaitEvent(TopicProbe probe, long step, java.util.function.Predicate<TrainEvent> which) {
        ConsumerRecord<String, byte[]> r = probe.await("ares.train.events", x -> {
            if (!RUN.equals(x.key())) {
                return false;
            }
            TrainEvent e = Codecs.trainEvent().decode(x.value());
            return e.step() == step && which.test(e);
        }, WAIT);
        return Codecs.trainEvent().decode(r.value());
    }

    @Test
    void eachTrajectoryIdIsTrainedOnceAndDuplicatesAreCounted() {
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            List<RolloutRequest> s0 = requests(probe, 0);
            List<RolloutRequest> s1 = requests(probe, 1);
            double before = duplicatesTotal();
            ScoredBatch b0 = batch(s0);
            byte[] bytes = Codecs.scoredBatch().encode(b0);
            probe.send("ares.scored", "0", bytes);
            probe.send("ares.scored", "0", bytes);          // the producer's retry: the same record again
            TrainEvent first = awaitEvent(probe, 0, e -> e.metrics().get("outcome/trajectories/trained") > 0);
            TrainEvent again = awaitEvent(probe, 0, e -> e.metrics().get("outcome/groups/duplicate") > 0);
            assertEquals(4.0, first.metrics().get("outcome/trajectories/trained"));
            assertEquals(1.0, first.metrics().get("optimizer/steps"));
            assertEquals(2.0, again.metrics().get("outcome/groups/duplicate"));
            assertEquals(4.0, again.metrics().get("outcome/trajectories/duplicate"));
            assertEquals(0.0, again.metrics().get("outcome/trajectories/trained"));
            assertEquals(1.0, again.metrics().get("optimizer/steps"), "no second optimizer step");
            assertFalse(again.metrics().containsKey("advantage/mean"), "nothing of the duplicate is trained");
            // advantages as the no-duplicate run sees them: +1 and -1 per group
            List<Double> adv0 = new ArrayList<>();
            b0.groups().forEach(g -> g.trajectories().forEach(t -> adv0.add(t.advantage())));
            double[] st0 = stats(adv0);
            assertEquals(st0[0], first.metrics().get("advantage/mean"), 1e-12);
            assertEquals(st0[1], first.metrics().get("advantage/std"), 1e-12);
            assertEquals(4.0, first.metrics().get("advantage/count"));

            // step 1: one trajectory of a re-issued request repeats an id trained in step 0
            Trajectory repeated = b0.groups().get(0).rollout().trajectories().get(0);
            TrajectoryScore repeatedScore = b0.groups().get(0).trajectories().get(0);
            ScoredBatch b1 = withRepeatedTrajectory(batch(s1), repeated, repeatedScore);
            probe.send("ares.scored", "1", Codecs.scoredBatch().encode(b1));
            TrainEvent second = awaitEvent(probe, 1, e -> true);
            assertEquals(3.0, second.metrics().get("outcome/trajectories/trained"));
            assertEquals(1.0, second.metrics().get("outcome/trajectories/duplicate"));
            assertEquals(2.0, second.metrics().get("optimizer/steps"));
            List<Double> adv1 = new ArrayList<>();
            for (ScoredGroup g : b1.groups()) {
                for (int i = 0; i < g.trajectories().size(); i++) {
                    if (!g.rollout().trajectories().get(i).trajectoryId().equals(repeated.trajectoryId())) {
                        adv1.add(g.trajectories().get(i).advantage());
                    }
                }
            }
            double[] st1 = stats(adv1);
            assertEquals(st1[0], second.metrics().get("advantage/mean"), 1e-12);
            assertEquals(st1[1], second.metrics().get("advantage/std"), 1e-12);
            assertEquals(3.0, second.metrics().get("advantage/count"));
            // 4 redelivered trajectories of the retried record, then +1 for the single repeated one (the counter is
            // updated before the train event is published, so it is final here)
            assertEquals(before + 5, duplicatesTotal(), 1e-9);
        }
    }
}
