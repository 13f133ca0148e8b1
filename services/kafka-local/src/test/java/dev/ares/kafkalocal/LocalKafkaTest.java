package dev.ares.kafkalocal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real broker for the class: topics, configs, large records, pid/port files, port conflicts. */
class LocalKafkaTest {

    @TempDir
    static Path tmp;

    private static Path dataDir;
    private static LocalKafka kafka;
    private static TopicsFile topics;

    @BeforeAll
    static void start() throws IOException {
        topics = TopicsFile.loadDefault();
        dataDir = tmp.resolve("broker");
        kafka = LocalKafka.start(LocalKafka.Options.of(dataDir, 0).withMessageMaxBytes(topics.largestMaxMessageBytes()));
        TopicAdmin.apply(kafka.bootstrapServers(), topics.topics());
    }

    /** Stops the broker as {@code ./ares kafka stop} would: found again through its pid file. */
    @AfterAll
    static void stop() {
        if (kafka == null) {
            return;
        }
        RunningBroker found = LocalKafka.find(dataDir).orElse(null);
        if (found == null) {
            kafka.stop();
            throw new AssertionError("find() lost the running broker");
        }
        assertTrue(found.stop(Duration.ofSeconds(20)));
        assertFalse(kafka.isAlive(), "broker still alive after RunningBroker.stop");
        assertTrue(LocalPorts.isFree(kafka.port()), "port still bound");
        assertTrue(LocalKafka.find(dataDir).isEmpty());
    }

    @Test
    void describeEqualsTopicsYamlAndSecondApplyChangesNothing() {
        Map<String, TopicState> byName = TopicAdmin.describe(kafka.bootstrapServers()).stream()
                .collect(Collectors.toMap(TopicState::name, t -> t));
        for (TopicSpec spec : topics.topics()) {
            TopicState s = byName.get(spec.name());
            assertTrue(s != null, "missing on the broker: " + spec.name());
            assertEquals(spec.partitions(), s.partitions(), spec.name());
            assertEquals(1, s.replicationFactor(), spec.name() + ": one broker, one replica");
            assertEquals(spec.configs(), s.keyConfigs(), spec.name());
        }
        TopicAdmin.ApplyResult again = TopicAdmin.apply(kafka.bootstrapServers(), topics.topics());
        assertEquals(List.of(), again.created());
        assertEquals(List.of(), again.updated());
        assertEquals(topics.topics().size(), again.unchanged().size());
    }

    @Test
    void applyRepairsDriftedConfigAndGrowsPartitions() throws Exception {
        String bs = kafka.bootstrapServers();
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "ares.train.events");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
            admin.incrementalAlterConfigs(Map.of(res, List.of(new AlterConfigOp(
                    new ConfigEntry("retention.ms", "1234"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        TopicAdmin.ApplyResult r = TopicAdmin.apply(bs, topics.topics());
        assertEquals(1, r.updated().size(), r.toString());
        assertTrue(r.updated().get(0).startsWith("ares.train.events (retention.ms 1234 -> 2592000000"), r.toString());
        TopicState after = TopicAdmin.describe(bs).stream().filter(t -> t.name().equals("ares.train.events")).findFirst().orElseThrow();
        assertEquals("2592000000", after.configs().get("retention.ms"));
        assertEquals(List.of(), after.differencesFrom(topics.topic("ares.train.events").orElseThrow()));
        TopicSpec wanted = new TopicSpec("ares.train.events", "x", 3, 1, 5, "compact", 1048576, "producer");
        assertEquals(List.of("partitions 1 (topics.yaml: 3)", "retention.ms 2592000000 (topics.yaml: 5)",
                "cleanup.policy delete (topics.yaml: compact)"), after.differencesFrom(wanted));

        String name = "scratch.grow." + UUID.randomUUID();
        TopicSpec one = new TopicSpec(name, "scratch", 1, 3, 60000, "delete", 1048576, "producer");
        TopicAdmin.ApplyResult created = TopicAdmin.apply(bs, List.of(one));
        assertEquals(List.of(name), created.created());
        assertEquals(List.of("replication 1 instead of 3 (the cluster has 1 broker) for " + name), created.notes());
        TopicSpec three = new TopicSpec(name, "scratch", 3, 3, 60000, "delete", 1048576, "producer");
        assertEquals(List.of(name + " (partitions 1 -> 3)"), TopicAdmin.apply(bs, List.of(three)).updated());
        TopicSpec two = new TopicSpec(name, "scratch", 2, 3, 60000, "delete", 1048576, "producer");
        TopicAdminException e = assertThrows(TopicAdminException.class, () -> TopicAdmin.apply(bs, List.of(two)));
        assertTrue(e.getMessage().contains("has 3 partitions") && e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void tenMegabyteRecordRoundTripsOnRollouts() {
        byte[] value = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(value);
        String key = "big-" + UUID.randomUUID();
        try (KafkaProducer<byte[], byte[]> p = producer(topics.clientDefaults().producerProperties())) {
            p.send(new ProducerRecord<>("ares.rollouts", key.getBytes(), value)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("10 MB send failed", e);
        }
        byte[] got = consumeValue("ares.rollouts", key, topics.clientDefaults().consumerProperties());
        assertArrayEquals(value, got);
    }

    @Test
    void defaultProducerSettingsCannotSendTheLargeRecord() {
        byte[] value = new byte[2 * 1024 * 1024];
        try (KafkaProducer<byte[], byte[]> p = producer(Map.of())) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> p.send(new ProducerRecord<>("ares.rollouts", value)).get(30, TimeUnit.SECONDS));
            assertInstanceOf(RecordTooLargeException.class, e.getCause());
        }
    }

    @Test
    void brokerEnforcesTheTopicLimit() {
        // ares.train.events allows 1 MiB; the client allows 16 MiB, so the broker must refuse.
        byte[] value = new byte[2 * 1024 * 1024];
        new Random(7).nextBytes(value);
        try (KafkaProducer<byte[], byte[]> p = producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16777216 * 2,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "none", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> p.send(new ProducerRecord<>("ares.train.events", value)).get(30, TimeUnit.SECONDS));
            assertInstanceOf(RecordTooLargeException.class, e.getCause());
        }
    }

    @Test
    void findReadsPidAndPortFilesOfOurBrokerOnly() throws IOException {
        RunningBroker found = LocalKafka.find(dataDir).orElseThrow();
        assertEquals(kafka.pid(), found.pid());
        assertEquals(kafka.port(), found.port());
        assertEquals(kafka.bootstrapServers(), found.bootstrapServers());
        assertTrue(found.isAlive());

        // Our broker's pid and port copied into another data dir: a live Kafka, but not that dir's.
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve(BrokerFiles.PID_FILE), Long.toString(kafka.pid()));
        Files.writeString(other.resolve(BrokerFiles.PORT_FILE), Integer.toString(kafka.port()));
        assertTrue(LocalKafka.find(other).isEmpty());
        assertFalse(new RunningBroker(kafka.pid(), kafka.port(), other).stop(Duration.ofSeconds(1)));
        assertTrue(kafka.isAlive(), "a broker of another data dir must not be stopped");
    }

    @Test
    void stalePidFileOfAForeignProcessIsNeverKilled() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("stale"));
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(dir.resolve(BrokerFiles.PID_FILE), Long.toString(sleeper.pid()));
            Files.writeString(dir.resolve(BrokerFiles.PORT_FILE), "9");
            assertTrue(LocalKafka.find(dir).isEmpty());
            assertFalse(new RunningBroker(sleeper.pid(), 9, dir).stop(Duration.ofSeconds(1)));
            Thread.sleep(200);
            assertTrue(sleeper.isAlive(), "the foreign process must survive");
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPortInUseIsReportedByNumber() throws IOException {
        PortInUseException e = assertThrows(PortInUseException.class, () -> LocalKafka.start(
                LocalKafka.Options.of(tmp.resolve("clash"), kafka.port())));
        assertEquals(kafka.port(), e.port());
        assertTrue(e.getMessage().contains("port " + kafka.port()), e.getMessage());

        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            PortInUseException e2 = assertThrows(PortInUseException.class, () -> LocalKafka.start(
                    LocalKafka.Options.of(tmp.resolve("clash"), port)));
            assertTrue(e2.getMessage().contains("port " + port), e2.getMessage());
        }
    }

    @Test
    void aBindFailureInsideTheBrokerNamesThePortItCouldNotBind() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int controllerPort = taken.getLocalPort();
            int clientPort = LocalPorts.freePort();
            PortInUseException e = assertThrows(PortInUseException.class, () -> LocalKafka.spawn(
                    LocalKafka.Options.of(tmp.resolve("bind"), clientPort), BrokerClasspath.asString(), clientPort, controllerPort));
            assertEquals(controllerPort, e.port(), e.getMessage());
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());   // ours; the broker's own text may come after the excerpt
        }
    }

    @Test
    void aReadinessTimeoutStopsTheChildAndShowsTheLogTail() {
        Path dir = tmp.resolve("slow");
        BrokerStartException e = assertThrows(BrokerStartException.class, () -> LocalKafka.start(
                LocalKafka.Options.of(dir, 0).withStartTimeout(Duration.ofMillis(300))));
        assertTrue(e.getMessage().contains("was not ready within 300 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("starting Kafka broker on 127.0.0.1:"), "log tail missing: " + e.getMessage());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid (\\d+)").matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        long pid = Long.parseLong(m.group(1));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "child " + pid + " left running");
        assertTrue(LocalKafka.find(dir).isEmpty());
    }

    @Test
    void secondStartOnTheSameDataDirIsRefused() {
        BrokerStartException e = assertThrows(BrokerStartException.class,
                () -> LocalKafka.start(LocalKafka.Options.of(dataDir, 0)));
        assertTrue(e.getMessage().contains("already runs") && e.getMessage().contains(Long.toString(kafka.pid())),
                e.getMessage());
    }

    @Test
    void brokerListensOnLoopbackOnlyWithTheConfiguredLimits() throws IOException {
        String props = Files.readString(dataDir.resolve(BrokerFiles.SERVER_PROPERTIES));
        Properties p = new Properties();
        p.load(new java.io.StringReader(props));
        assertEquals("PLAINTEXT://127.0.0.1:" + kafka.port() + ",CONTROLLER://127.0.0.1:"
                + p.getProperty("controller.quorum.voters").split(":")[1], p.getProperty("listeners"));
        assertEquals("broker,controller", p.getProperty("process.roles"));
        assertEquals("0", p.getProperty("group.initial.rebalance.delay.ms"));
        assertTrue(Integer.parseInt(p.getProperty("message.max.bytes")) >= topics.largestMaxMessageBytes());
        assertTrue(Integer.parseInt(p.getProperty("replica.fetch.max.bytes")) >= topics.largestMaxMessageBytes());
        assertTrue(Files.readString(kafka.logFile()).contains("Kafka Server started")
                || Files.readString(kafka.logFile()).contains("started"), "broker log is written to the log file");
    }

    private KafkaProducer<byte[], byte[]> producer(Map<String, Object> extra) {
        Map<String, Object> props = new java.util.HashMap<>(extra);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private byte[] consumeValue(String topic, String key, Map<String, Object> extra) {
        Map<String, Object> props = new java.util.HashMap<>(extra);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(pi -> new org.apache.kafka.common.TopicPartition(topic, pi.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String k = r.key() == null ? "" : new String(r.key());
                    if (k.equals(key)) {
                        return r.value();
                    }
                    seen.add(k);
                }
            }
            throw new AssertionError("record " + key + " not found on " + topic + "; saw keys " + seen);
        }
    }
}
