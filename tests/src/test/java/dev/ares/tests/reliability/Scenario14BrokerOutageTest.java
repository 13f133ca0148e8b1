package dev.ares.tests.reliability;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.cli.demo.RunWatcher;
import dev.ares.cli.soak.RunTopics;
import dev.ares.cli.soak.SoakLedger;
import dev.ares.cli.stack.ServiceLauncher;
import dev.ares.cli.stack.ServiceSpec;
import dev.ares.core.learner.LearnerState;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.e2e.PackagedStack;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 14 (tier K): the broker process is stopped for 20 s while a training run is in flight
 * (packaged rollout, reward and learner processes, the tiny fixture model; the learner keeps two steps of requests
 * in flight), then started again on the same data directory and port. During the outage every service's messaging
 * readiness is DOWN and its liveness UP; afterwards they recover without a restart (same pids) and the run finishes.
 * Then the invariants of scenarios 1 and 5 are checked from the topics against the learner's checkpointed state
 * ({@link SoakLedger}, the soak run's accounting): every requested group has exactly one outcome (trained, filtered,
 * stale, timed out or dead-lettered), the learner's totals agree, and no trajectory was trained twice.
 */
@Tag("slow")
class Scenario14BrokerOutageTest {
    private static final int STEPS = 5;
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ServiceSpec LEARNER = PackagedStack.spec("learner-service");
    private static final List<ServiceSpec> SERVICES = List.of(PackagedStack.spec("rollout-service"),
            PackagedStack.spec("reward-service"), PackagedStack.spec("learner-service"));

    @Test
    void brokerStoppedFor20SecondsLosesNothingAndServicesRecoverByThemselves() throws Exception {
        String run = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        try (PackagedStack stack = PackagedStack.broker("ares-s14")) {
            stack.with(LEARNER, "ares.learner.model-dir", stack.tinyModel().toString())
                    .with(LEARNER, "ares.learner.run-id", run)
                    .with(LEARNER, "ares.learner.groups-per-step", "3")
                    .with(LEARNER, "ares.learner.n", "4")
                    .with(LEARNER, "ares.learner.max-new-tokens", "12")
                    .with(LEARNER, "ares.learner.max-steps", Integer.toString(STEPS))
                    .with(LEARNER, "ares.learner.max-staleness", "2")
                    .with(LEARNER, "ares.learner.checkpoint-every", "1")
                    .with(LEARNER, "ares.learner.schedule-every", "200ms")
                    .start(SERVICES);
            Map<ServiceSpec, Long> pids = new LinkedHashMap<>();
            for (ServiceSpec s : SERVICES) {
                pids.put(s, stack.process(s).pid());
            }
            try (RunWatcher watch = new RunWatcher(stack.bootstrap(), run)) {
                // the first step is trained and the next two are requested: groups are in flight during the outage
                awaitSteps(stack, watch, 1);
                long t0 = System.nanoTime();
                stack.stopBroker();
                for (ServiceSpec s : SERVICES) {
                    PackagedStack.awaitMessagingCheck(stack.url(s), "DOWN", WAIT);
                    given().baseUri(stack.url(s)).get("/q/health/live").then().statusCode(200);
                }
                long down = (System.nanoTime() - t0) / 1_000_000;
                Thread.sleep(Math.max(0, OUTAGE.toMillis() - down));
                for (ServiceSpec s : SERVICES) {
                    given().baseUri(stack.url(s)).get("/q/health/live").then().statusCode(200);
                }
                stack.restartBroker();
                long t1 = System.nanoTime();
                for (ServiceSpec s : SERVICES) {
                    PackagedStack.awaitMessagingCheck(stack.url(s), "UP", WAIT);
                }
                System.out.printf("scenario 14: all DOWN %d ms after the stop, broker down %d ms, all UP %d ms after the restart%n",
                        down, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
                long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
                while (!finished(watch)) {
                    assertTrue(System.nanoTime() < deadline, "the run did not finish after the outage: "
                            + watch.steps().size() + " steps; learner log:\n"
                            + ServiceLauncher.tail(stack.log(PackagedStack.spec("learner-service"))));
                    watch.poll(Duration.ofSeconds(1), e -> { });
                }
                for (ServiceSpec s : SERVICES) {
                    assertEquals(pids.get(s), stack.process(s).pid(), s.name() + " recovered without a restart");
                }
                LearnerState state = PackagedStack.learnerState(watch.latestCheckpoint().orElseThrow());
                SoakLedger ledger = new SoakLedger(RunTopics.read(stack.bootstrap(), run), state, STEPS);
                ledger.lines().forEach(l -> System.out.println("scenario 14: " + l));
                assertEquals(List.of(), ledger.violations(), "nothing lost, nothing trained twice");
                assertEquals(3 * STEPS, ledger.groups(SoakLedger.Fate.TRAINED) + ledger.groups(SoakLedger.Fate.FILTERED)
                        + ledger.groups(SoakLedger.Fate.STALE) + ledger.groups(SoakLedger.Fate.TIMED_OUT)
                        + ledger.groups(SoakLedger.Fate.DEAD_LETTERED), "every one of the 3 x " + STEPS + " groups has an outcome");
            }
        }
    }

    private static void awaitSteps(PackagedStack stack, RunWatcher watch, int steps) {
        long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
        while (watch.steps().size() < steps) {
            assertTrue(System.nanoTime() < deadline, "only " + watch.steps().size() + " steps; learner log:\n"
                    + ServiceLauncher.tail(stack.log(PackagedStack.spec("learner-service"))));
            watch.poll(Duration.ofSeconds(1), e -> { });
        }
    }

    /** All steps have train events and the checkpoint of the last one is announced. */
    private static boolean finished(RunWatcher watch) {
        if (watch.steps().size() < STEPS) {
            return false;
        }
        TrainEvent last = watch.steps().get(watch.steps().size() - 1);
        double version = last.metrics().getOrDefault("policy/version", Double.NaN);
        return watch.latestCheckpoint().map(c -> c.version() >= version).orElse(false);
    }
}
