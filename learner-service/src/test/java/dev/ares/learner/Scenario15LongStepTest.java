package dev.ares.learner;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.model.learner.LearnerFaultHook;
import dev.ares.testkit.LocalKafkaResource;
import dev.ares.testkit.TopicProbe;
import io.quarkus.arc.ClientProxy;
import io.smallrye.common.annotation.Identifier;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Reliability scenario 15 (tier Q, real learner loop and real local broker): an optimizer step blocks (test hook)
 * for 15 s, three times the consumer's {@code max.poll.interval.ms} (5 s in this profile), while the next batch waits
 * on the topic. The other watchdog, SmallRye's unprocessed-record age of the throttled commit strategy, is switched
 * off by the service's own configuration ({@code throttled.unprocessed-record-max-age.ms=-1}, kept here), because a
 * batch stays unacknowledged until a checkpoint holds it, for as long as a step takes. Liveness and
 * readiness stay UP throughout, the consumer group does not rebalance (no revocation, one assignment: SmallRye keeps
 * polling on its own thread and pauses the partition instead of starving the poll loop), and both batches are then
 * trained once, in order.
 */
@QuarkusTest
@TestProfile(Scenario15LongStepTest.Profile.class)
@WithTestResource(LocalKafkaResource.class)
class Scenario15LongStepTest {
    static final String RUN = "long-" + UUID.randomUUID();
    static final long BLOCK_MS = 15_000;
    private static final Duration WAIT = Duration.ofSeconds(120);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = RealLearnerOverrides.of(RUN, "tiny-long", 2);
            m.put("mp.messaging.incoming.scored.group.id", "ares-learner-" + UUID.randomUUID());
            m.put("mp.messaging.incoming.scored.max.poll.interval.ms", "5000");
            return m;
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    LearnerLoop loop;

    @Inject
    @Identifier("learner-resume")
    ResumeFromCheckpoint rebalances;

    static List<RolloutRequest> requests(TopicProbe probe, long step) {
        List<RolloutRequest> reqs = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
            String gid = RUN + "-s" + step + "-g" + g;
            reqs.add(Codecs.rolloutRequest().decode(probe.await("ares.rollout.requests", x -> gid.equals(x.key()), WAIT)
                    .value()));
        }
        return reqs;
    }

    static TrainEvent awaitEvent(TopicProbe probe, long step) {
        ConsumerRecord<String, byte[]> r = probe.await("ares.train.events",
                x -> RUN.equals(x.key()) && Codecs.trainEvent().decode(x.value()).step() == step, WAIT);
        return Codecs.trainEvent().decode(r.value());
    }

    @Test
    void aStepLongerThanThePollIntervalFlipsNoHealthAndCausesNoRebalance() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        MeteredLearnerLoop metered = (MeteredLearnerLoop) ClientProxy.unwrap(loop);
        metered.delegate().setFaultHook(new LearnerFaultHook() {
            @Override
            public void at(Point p, long step) {
                if (p == Point.AFTER_OPTIMIZER_STEP && step == 0) {
                    entered.countDown();
                    try {
                        Thread.sleep(BLOCK_MS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while blocking the step", e);
                    }
                }
            }
        });
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            List<RolloutRequest> s0 = requests(probe, 0);
            List<RolloutRequest> s1 = requests(probe, 1);
            int assignedBefore = rebalances.assignments();
            int revokedBefore = rebalances.revocations();
            assertTrue(assignedBefore >= 1, "the consumer has its partition");
            probe.send("ares.scored", "0", Codecs.scoredBatch().encode(Scenario05DuplicateDeliveryTest.batch(s0)));
            assertTrue(entered.await(90, TimeUnit.SECONDS), "the step reached the blocking hook");
            long blockedAt = System.nanoTime();
            // the next batch waits on the topic while the step blocks
            probe.send("ares.scored", "1", Codecs.scoredBatch().encode(Scenario05DuplicateDeliveryTest.batch(s1)));
            int probes = 0;
            while (System.nanoTime() - blockedAt < TimeUnit.MILLISECONDS.toNanos(BLOCK_MS - 1000)) {
                given().get("/q/health/live").then().statusCode(200);
                given().get("/q/health/ready").then().statusCode(200);
                probes++;
                Thread.sleep(500);
            }
            assertTrue(probes >= 10, "health was probed throughout the block: " + probes);
            TrainEvent e0 = awaitEvent(probe, 0);
            TrainEvent e1 = awaitEvent(probe, 1);
            assertEquals(4.0, e0.metrics().get("outcome/trajectories/trained"));
            assertEquals(1.0, e0.metrics().get("optimizer/steps"));
            assertEquals(4.0, e1.metrics().get("outcome/trajectories/trained"));
            assertEquals(2.0, e1.metrics().get("optimizer/steps"));
            assertEquals(assignedBefore, rebalances.assignments(), "no new partition assignment (no rebalance)");
            assertEquals(revokedBefore, rebalances.revocations(), "no revocation (no rebalance)");
            given().get("/q/health/live").then().statusCode(200);
            given().get("/q/health/ready").then().statusCode(200);
        } finally {
            metered.delegate().setFaultHook(LearnerFaultHook.NONE);
        }
    }
}
