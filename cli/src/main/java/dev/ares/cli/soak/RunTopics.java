package dev.ares.cli.soak;

import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.Codecs;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.Trajectory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the topics hold about one training run, read from their beginning to their current end without joining a
 * consumer group (nothing is taken from the services): the requests of {@code ares.rollout.requests}, the groups and
 * trajectories of {@code ares.rollouts}, the scored batches of {@code ares.scored}, the announced checkpoints, and the
 * records of the three data-plane dead-letter topics with their {@code dead-letter-reason} header. Records of other
 * runs are skipped; a dead-lettered record whose bytes do not decode cannot be attributed to a run and is counted in
 * {@link #unattributedDeadLetters()}. The soak report ({@link SoakLedger}) is computed from this and the learner's
 * checkpointed state.
 */
public final class RunTopics {
    static final String REQUESTS = "ares.rollout.requests";
    static final String ROLLOUTS = "ares.rollouts";
    static final String SCORED = "ares.scored";
    static final String CHECKPOINTS = "ares.checkpoints";

    /**
     * One dead-lettered record of the run.
     *
     * @param topic   the source topic (the DLQ topic without {@code .dlq})
     * @param reason  the {@code dead-letter-reason} header (the error message), or {@code "(none)"}
     * @param groupId the group the record belongs to (a request's or a rollout group's), or null for a scored batch
     * @param step    the step of the record
     */
    public record DeadLetter(String topic, String reason, String groupId, long step) {
    }

    private final String runId;
    /** First request per group id, in arrival order. */
    final Map<String, RolloutRequest> requests = new LinkedHashMap<>();
    int requestRecords;
    /** First produced group per group id. */
    final Map<String, RolloutGroup> groups = new LinkedHashMap<>();
    int groupRecords;
    /** Deliveries per trajectory id on ares.rollouts. */
    final Map<String, Integer> trajectoryDeliveries = new HashMap<>();
    /** Scored batches by step, in arrival order. */
    final TreeMap<Long, List<ScoredBatch>> scored = new TreeMap<>();
    final List<CheckpointEvent> checkpoints = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    int unattributedDeadLetters;

    private RunTopics(String runId) {
        this.runId = runId;
    }

    /**
     * Reads the run's records from every topic up to the end offsets of the moment of the call.
     *
     * @param bootstrap broker address
     * @param runId     the run; checkpoints count as the run's when their URI contains it
     */
    public static RunTopics read(String bootstrap, String runId) {
        RunTopics t = new RunTopics(runId);
        readTopic(bootstrap, REQUESTS, r -> t.onRequest(r.value()));
        readTopic(bootstrap, ROLLOUTS, r -> t.onGroup(r.value()));
        readTopic(bootstrap, SCORED, r -> t.onScored(r.value()));
        readTopic(bootstrap, CHECKPOINTS, r -> t.onCheckpoint(r.value()));
        for (String source : List.of(REQUESTS, ROLLOUTS, SCORED)) {
            readTopic(bootstrap, source + ".dlq", r -> t.onDead(source, r));
        }
        return t;
    }

    /** The highest step requested for the run so far, or -1 when none was ({@code ares.rollout.requests} only). */
    public static long highestRequestedStep(String bootstrap, String runId) {
        RunTopics t = new RunTopics(runId);
        readTopic(bootstrap, REQUESTS, r -> t.onRequest(r.value()));
        return t.requests.values().stream().mapToLong(RolloutRequest::step).max().orElse(-1);
    }

    private void onRequest(byte[] value) {
        RolloutRequest r = decodeOrNull(() -> Codecs.rolloutRequest().decode(value));
        if (r != null && r.runId().equals(runId)) {
            requestRecords++;
            requests.putIfAbsent(r.groupId(), r);
        }
    }

    private void onGroup(byte[] value) {
        RolloutGroup g = decodeOrNull(() -> Codecs.rolloutGroup().decode(value));
        if (g != null && g.runId().equals(runId)) {
            groupRecords++;
            groups.putIfAbsent(g.groupId(), g);
            for (Trajectory tr : g.trajectories()) {
                trajectoryDeliveries.merge(tr.trajectoryId(), 1, Integer::sum);
            }
        }
    }

    private void onScored(byte[] value) {
        ScoredBatch b = decodeOrNull(() -> Codecs.scoredBatch().decode(value));
        if (b != null && b.runId().equals(runId)) {
            scored.computeIfAbsent(b.step(), s -> new ArrayList<>()).add(b);
        }
    }

    private void onCheckpoint(byte[] value) {
        CheckpointEvent c = decodeOrNull(() -> Codecs.checkpointEvent().decode(value));
        if (c != null && c.uri().contains(runId)) {
            checkpoints.add(c);
        }
    }

    private void onDead(String source, ConsumerRecord<String, byte[]> r) {
        String reason = header(r, "dead-letter-reason");
        byte[] v = r.value();
        String run = null;
        String group = null;
        long step = -1;
        if (v != null) {
            switch (source) {
                case REQUESTS -> {
                    RolloutRequest q = decodeOrNull(() -> Codecs.rolloutRequest().decode(v));
                    if (q != null) {
                        run = q.runId();
                        group = q.groupId();
                        step = q.step();
                    }
                }
                case ROLLOUTS -> {
                    RolloutGroup g = decodeOrNull(() -> Codecs.rolloutGroup().decode(v));
                    if (g != null) {
                        run = g.runId();
                        group = g.groupId();
                        step = g.step();
                    }
                }
                default -> {
                    ScoredBatch b = decodeOrNull(() -> Codecs.scoredBatch().decode(v));
                    if (b != null) {
                        run = b.runId();
                        step = b.step();
                    }
                }
            }
        }
        if (run == null) {
            unattributedDeadLetters++;
        } else if (run.equals(runId)) {
            deadLetters.add(new DeadLetter(source, reason == null ? "(none)" : reason, group, step));
        }
    }

    /** Dead-lettered records whose bytes did not decode (no run can be named). */
    public int unattributedDeadLetters() {
        return unattributedDeadLetters;
    }

    private static <T> T decodeOrNull(java.util.function.Supplier<T> decode) {
        try {
            return decode.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void readTopic(String bootstrap, String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(64 << 20));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ares-soak-read");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " did not reach its end offsets " + end
                            + " within 2 minutes");
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(1))) {
                    each.accept(r);
                }
            }
        }
    }
}
