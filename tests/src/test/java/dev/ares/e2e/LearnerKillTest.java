package dev.ares.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.cli.demo.RunWatcher;
import dev.ares.cli.stack.RunDir;
import dev.ares.cli.stack.ServiceLauncher;
import dev.ares.cli.stack.ServiceSpec;
import dev.ares.core.checkpoint.Checkpoint;
import dev.ares.core.checkpoint.CheckpointStore;
import dev.ares.core.learner.LearnerState;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RecordFormatException;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.core.protocol.Trajectory;
import dev.ares.kafkalocal.LocalKafka;
import dev.ares.kafkalocal.TopicAdmin;
import dev.ares.kafkalocal.TopicsFile;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 6 item 4 and reliability scenario 1 (process tier): the learner is killed with SIGKILL in the middle of a
 * run (after a step whose training is not yet in a checkpoint), restarted with the same configuration, and the run
 * finishes. Real broker, real rollout, reward and learner processes, the tiny fixture model. Checked against what
 * the topics hold: every trajectory produced on {@code ares.rollouts} ends in exactly one outcome of the final
 * checkpoint's ledger (trained, filtered, stale, timed out), no trajectory is trained twice, and the restarted
 * learner continued from its last checkpoint (its first step after the restart is the one after that checkpoint).
 */
class LearnerKillTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int STEPS = 6;
    private static final String RUN = "kill-" + UUID.randomUUID().toString().substring(0, 8);

    private static Path tmp;
    private static RunDir run;
    private static LocalKafka kafka;
    private static ServiceLauncher launcher;
    private static Map<String, String> props;
    private static final Map<ServiceSpec, Integer> PORTS = new HashMap<>();

    @BeforeAll
    static void start() throws IOException {
        Path repo = Path.of(System.getProperty("ares.repo.root", "..")).toAbsolutePath().normalize();
        tmp = Files.createTempDirectory("ares-kill");
        run = new RunDir(repo, tmp.resolve("run")).create();
        kafka = LocalKafka.start(new LocalKafka.Options(run.kafkaData(), freePort(), run.logs().resolve("kafka.log"), WAIT));
        TopicAdmin.apply(kafka.bootstrapServers(), TopicsFile.load(repo.resolve(TopicsFile.RELATIVE_PATH)).topics());
        launcher = new ServiceLauncher(run);
        Path model = repo.resolveSibling("shared").resolve("fixtures/hf-reference/qwen2-tiny");
        assertTrue(Files.isDirectory(model), "fixture model missing: " + model);
        props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        props.put("ares.checkpoints.root", run.checkpoints().toString());
        props.put("ares.blobs.root", run.blobs().toString());
        props.put("ares.model.dir", model.toString());
        props.put("ares.learner.model-dir", model.toString());
        props.put("ares.learner.run-id", RUN);
        props.put("ares.learner.groups-per-step", "3");
        props.put("ares.learner.n", "4");
        props.put("ares.learner.max-new-tokens", "12");
        props.put("ares.learner.max-steps", Integer.toString(STEPS));
        props.put("ares.learner.max-staleness", "1");
        props.put("ares.learner.checkpoint-every", "2");
        props.put("ares.learner.schedule-every", "200ms");
        for (ServiceSpec spec : List.of(spec("rollout-service"), spec("reward-service"), spec("learner-service"))) {
            PORTS.put(spec, freePort());
            launcher.start(spec, PORTS.get(spec), props, WAIT);
        }
    }

    @AfterAll
    static void stop() {
        for (ServiceSpec spec : ServiceSpec.ALL) {
            if (launcher != null) {
                launcher.pidFile(spec).stop(Duration.ofSeconds(20));
            }
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void sigkillMidRunLosesNothingAndTrainsNothingTwice() throws Exception {
        ServiceSpec learner = spec("learner-service");
        long killedAfterStep;
        try (RunWatcher watch = new RunWatcher(kafka.bootstrapServers(), RUN)) {
            // let it train three steps (the checkpoint of step 1 is written, step 2's training is not in one yet)
            awaitSteps(watch, 3);
            ProcessHandle p = launcher.pidFile(learner).process().orElseThrow();
            assertTrue(p.destroyForcibly(), "SIGKILL sent");
            p.onExit().get();
            watch.poll(Duration.ofSeconds(1), e -> { });
            killedAfterStep = watch.steps().get(watch.steps().size() - 1).step();
            // steps whose training the last checkpoint before the kill holds: the restart continues after them
            long resumeAt = watch.latestCheckpoint().map(c -> learnerState(c).stepsFinished()).orElse(0L);
            assertTrue(killedAfterStep >= resumeAt, "the kill lands after a step that no checkpoint holds yet (last step "
                    + killedAfterStep + ", checkpointed " + resumeAt + ")");

            Set<Long> before = new HashSet<>();
            watch.steps().forEach(e -> before.add(e.step()));
            List<Long> afterRestart = new ArrayList<>();
            launcher.start(learner, PORTS.get(learner), props, WAIT);
            long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
            while (System.nanoTime() < deadline && !finished(watch)) {
                watch.poll(Duration.ofSeconds(1), e -> afterRestart.add(e.step()));
                assertTrue(launcher.pidFile(learner).process().isPresent(), "learner died after the restart; log:\n"
                        + ServiceLauncher.tail(launcher.logFile(learner)));
            }
            assertTrue(finished(watch), "the run finished: " + watch.steps().size() + " steps, last checkpoint "
                    + watch.latestCheckpoint());
            assertTrue(!afterRestart.isEmpty(), "the restarted learner trained");
            assertEquals(resumeAt, afterRestart.get(0),
                    "the restarted learner continues with the first step its last checkpoint does not hold");
            assertEquals(STEPS, watch.steps().size(), "steps 0.." + (STEPS - 1) + " each have a train event");

            LearnerState state = learnerState(watch.latestCheckpoint().orElseThrow());
            assertEquals(STEPS, state.stepsFinished());
            Map<String, Integer> produced = producedTrajectories();

            List<String> trained = state.trajectoryIds();
            assertEquals(trained.size(), new HashSet<>(trained).size(), "no trajectory id trained twice");
            for (String id : trained) {
                assertTrue(produced.containsKey(id), "trained " + id + " was never produced");
            }
            long accounted = 0;
            for (String outcome : List.of("trained", "filtered", "stale", "timed_out")) {
                accounted += state.accounting().getOrDefault("trajectories/" + outcome, 0L);
            }
            assertEquals(trained.size(), state.accounting().get("trajectories/trained"), "ledger and accounting agree");
            assertEquals(produced.size(), accounted, "every produced trajectory has exactly one outcome: " + state.accounting()
                    + " for " + produced.size() + " distinct produced trajectories");
        }
    }

    /** All steps have train events and the checkpoint of the last one is announced. */
    private static boolean finished(RunWatcher watch) {
        if (watch.steps().size() < STEPS) {
            return false;
        }
        TrainEvent lastStep = watch.steps().get(watch.steps().size() - 1);
        double version = lastStep.metrics().getOrDefault("policy/version", Double.NaN);
        return watch.latestCheckpoint().map(c -> c.version() >= version).orElse(false);
    }

    /** The learner state inside an announced checkpoint, after verifying the manifest the event names. */
    private static LearnerState learnerState(CheckpointEvent event) {
        try {
            Checkpoint ckpt = new CheckpointStore(Path.of(java.net.URI.create(event.uri())).getParent())
                    .open(event.version(), event.manifestSha256());
            return LearnerState.fromJson(Files.readAllBytes(ckpt.file(LearnerState.FILE)), LearnerState.FILE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitSteps(RunWatcher watch, int steps) {
        long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
        while (watch.steps().size() < steps) {
            assertTrue(System.nanoTime() < deadline, "only " + watch.steps().size() + " steps; learner log:\n"
                    + ServiceLauncher.tail(launcher.logFile(spec("learner-service"))));
            watch.poll(Duration.ofSeconds(1), e -> { });
        }
    }

    /** Distinct trajectory ids of this run on ares.rollouts, with how often each was delivered. */
    private static Map<String, Integer> producedTrajectories() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Integer> ids = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor("ares.rollouts").stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(1))) {
                    try {
                        RolloutGroup g = Codecs.rolloutGroup().decode(r.value());
                        if (g.runId().equals(RUN)) {
                            for (Trajectory t : g.trajectories()) {
                                ids.merge(t.trajectoryId(), 1, Integer::sum);
                            }
                        }
                    } catch (RecordFormatException e) {
                        // not a group of this run (the services dead-letter such records)
                    }
                }
            }
        }
        return ids;
    }

    private static ServiceSpec spec(String name) {
        return ServiceSpec.ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
