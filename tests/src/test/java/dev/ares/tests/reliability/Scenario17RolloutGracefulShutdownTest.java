package dev.ares.tests.reliability;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.cli.stack.ServiceSpec;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.e2e.PackagedStack;
import dev.ares.testkit.Records;
import dev.ares.testkit.TopicProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 17 (tier K: real broker, packaged reward- and rollout-service processes): SIGTERM to a
 * rollout process with 10 groups in flight. The process exits within the grace period without dead-lettering or
 * acknowledging the unfinished requests; after a restart every requested group is on {@code ares.rollouts} at least
 * once, and the reward service's scored batch of the step holds each exactly once (it is complete, not partial).
 * Two in-flight states: the requests wait for a policy (no model yet: deterministic), and the requests are in the
 * middle of a generation batch.
 */
@Tag("slow")
class Scenario17RolloutGracefulShutdownTest {
    private static final int GROUPS = 10;
    /**
     * The time the test allows between SIGTERM and exit: the service's grace for a running batch
     * ({@code ares.rollout.shutdown-grace}, 15 s) plus Quarkus's own shutdown, which took 13 s more on the loaded build
     * machine (28.4 s in all); Kubernetes allows the rollout pod 120 s.
     */
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final ServiceSpec ROLLOUT = PackagedStack.spec("rollout-service");
    private static final ServiceSpec REWARD = PackagedStack.spec("reward-service");

    private static PackagedStack stack;

    @BeforeAll
    static void start() throws IOException {
        stack = PackagedStack.broker("ares-s17"); // assigned first: @AfterAll stops the broker if a start fails
        stack
                // one poll hands all ten requests to ten concurrent workers, and they meet in one generation batch
                .with(ROLLOUT, "mp.messaging.incoming.requests.max.poll.records", Integer.toString(GROUPS))
                .with(ROLLOUT, "smallrye.messaging.worker.rollout-requests.max-concurrency", Integer.toString(GROUPS))
                .with(ROLLOUT, "ares.rollout.batch.max-groups", Integer.toString(GROUPS))
                .with(ROLLOUT, "ares.rollout.batch.max-wait-ms", "3000")
                // the step must not be closed as partial while the rollout process is down
                .with("ares.reward.straggler-timeout", "600s")
                .start(List.of(REWARD));
    }

    /** Each case starts its own rollout process; a failed case must not leave it running for the next. */
    @AfterEach
    void stopRollout() {
        stack.stop(ROLLOUT);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void sigtermWhileTenGroupsWaitForThePolicy() throws Exception {
        // no model and no checkpoint: every request is received and waits for a policy
        stack.start(ROLLOUT, Map.of("ares.model.dir", ""));
        String run = "s17-wait-" + UUID.randomUUID().toString().substring(0, 8);
        List<RolloutRequest> requests = requests(run, 16);
        sendAndAwaitReceived(requests);
        terminateWithinGrace();
        stack.start(ROLLOUT, Map.of("ares.model.dir", stack.tinyModel().toString()));
        assertEveryGroupDownstreamOnceAfterDedupe(run, requests);
    }

    @Test
    void sigtermInTheMiddleOfAGenerationBatch() throws Exception {
        stack.start(ROLLOUT, Map.of("ares.model.dir", stack.tinyModel().toString()));
        awaitReady(stack.url(ROLLOUT));
        String run = "s17-gen-" + UUID.randomUUID().toString().substring(0, 8);
        List<RolloutRequest> requests = requests(run, 400);
        double publishedBefore = metric(stack.url(ROLLOUT), "ares_rollout_groups_total", "");
        sendAndAwaitReceived(requests);
        double published = metric(stack.url(ROLLOUT), "ares_rollout_groups_total", "") - publishedBefore;
        assertTrue(published < GROUPS, "the generation batch is still running at SIGTERM (" + published + " published)");
        terminateWithinGrace();
        stack.start(ROLLOUT, Map.of());
        assertEveryGroupDownstreamOnceAfterDedupe(run, requests);
    }

    /** Ten requests of one step of {@code run}, n = 4, {@code maxTokens} new tokens each. */
    private static List<RolloutRequest> requests(String run, int maxTokens) {
        List<RolloutRequest> out = new ArrayList<>();
        for (int i = 0; i < GROUPS; i++) {
            RolloutRequest base = Records.request(run, run + "-g" + i, 3, GROUPS, 4);
            out.add(new RolloutRequest(base.requestId(), base.groupId(), run, 3, GROUPS, 0, base.prompt(), 4,
                    new SamplingParams(1.0, 1.0, 0, maxTokens, 100 + i, List.of()), ExplorationMode.IID, 0, 0.0, 0));
        }
        return out;
    }

    /** Sends the requests and waits until the rollout process has received all of them (its message counter). */
    private static void sendAndAwaitReceived(List<RolloutRequest> requests) throws InterruptedException {
        String url = stack.url(ROLLOUT);
        double before = metric(url, "mp_messaging_message_count_total", "channel=\"requests\"");
        try (TopicProbe probe = new TopicProbe(stack.bootstrap())) {
            for (RolloutRequest r : requests) {
                probe.send("ares.rollout.requests", r.groupId(), Codecs.rolloutRequest().encode(r));
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (metric(url, "mp_messaging_message_count_total", "channel=\"requests\"") - before < GROUPS) {
            assertTrue(System.nanoTime() < deadline, "the rollout process did not receive the " + GROUPS + " requests");
            Thread.sleep(100);
        }
    }

    /** SIGTERM; the process exits within {@link #EXIT_WITHIN} and dead-letters nothing on the way out. */
    private static void terminateWithinGrace() throws Exception {
        ProcessHandle p = stack.process(ROLLOUT);
        long t0 = System.nanoTime();
        assertTrue(p.destroy(), "SIGTERM sent");
        try {
            p.onExit().get(EXIT_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new AssertionError("rollout-service still running " + EXIT_WITHIN.toSeconds() + " s after SIGTERM");
        }
        System.out.printf("scenario 17: rollout-service exited %d ms after SIGTERM%n", (System.nanoTime() - t0) / 1_000_000);
        String log = Files.readString(stack.log(ROLLOUT));
        assertFalse(log.contains("dead-lettering"), "nothing is dead-lettered at shutdown; log:\n" + tail(log));
    }

    /**
     * Every requested group is on ares.rollouts at least once; the step's scored batch is complete and holds each
     * group exactly once; no request of the run went to the dead-letter topic.
     */
    private static void assertEveryGroupDownstreamOnceAfterDedupe(String run, List<RolloutRequest> requests) {
        Set<String> wanted = new HashSet<>();
        requests.forEach(r -> wanted.add(r.groupId()));
        ScoredBatch batch;
        try (TopicProbe probe = new TopicProbe(stack.bootstrap())) {
            batch = Codecs.scoredBatch().decode(probe.await("ares.scored",
                    r -> Codecs.scoredBatch().decode(r.value()).runId().equals(run), WAIT).value());
        }
        assertFalse(batch.partial(), "the step's batch is complete");
        Set<String> scoredIds = new HashSet<>();
        for (ScoredGroup g : batch.groups()) {
            assertTrue(scoredIds.add(g.groupId()), "group " + g.groupId() + " scored twice");
        }
        assertEquals(wanted, scoredIds, "each requested group exactly once after dedupe");
        Map<String, Integer> copies = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : stack.readAll("ares.rollouts")) {
            RolloutGroup g = Codecs.rolloutGroup().decode(r.value());
            if (g.runId().equals(run)) {
                copies.merge(g.groupId(), 1, Integer::sum);
            }
        }
        assertEquals(wanted, copies.keySet(), "every requested group is on ares.rollouts at least once");
        int dead = 0;
        for (ConsumerRecord<String, byte[]> r : stack.readAll("ares.rollout.requests.dlq")) {
            try {
                dead += Codecs.rolloutRequest().decode(r.value()).runId().equals(run) ? 1 : 0;
            } catch (RuntimeException e) {
                // not a request (another test's garbage)
            }
        }
        assertEquals(0, dead, "no request of the run was dead-lettered");
        System.out.println("scenario 17: copies per group on ares.rollouts " + copies);
    }

    private static void awaitReady(String url) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (given().baseUri(url).get("/q/health/ready").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "rollout-service not ready: "
                    + given().baseUri(url).get("/q/health/ready").asString());
            Thread.sleep(500);
        }
    }

    /** The sum of the samples of a Prometheus metric whose labels contain {@code labelFragment}. */
    private static double metric(String url, String name, String labelFragment) {
        double sum = 0;
        for (String line : given().baseUri(url).get("/q/metrics").asString().split("\n")) {
            if (line.startsWith(name) && line.contains(labelFragment)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
