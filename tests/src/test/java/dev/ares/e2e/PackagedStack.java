package dev.ares.e2e;

import static io.restassured.RestAssured.given;

import dev.ares.cli.stack.RunDir;
import dev.ares.cli.stack.ServiceLauncher;
import dev.ares.cli.stack.ServiceSpec;
import dev.ares.kafkalocal.LocalKafka;
import dev.ares.kafkalocal.TopicAdmin;
import dev.ares.kafkalocal.TopicsFile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared setup of the process-tier tests (reliability.md tier K): a temporary run directory, the real local
 * KRaft broker with the topics of {@code kafka-topics/topics.yaml}, and packaged services started as child JVMs from
 * their Quarkus fast-jars, as {@code ./ares up} starts them. The fixture knows each service's port and system
 * properties, so a test can SIGKILL, SIGTERM or restart one with the same configuration, and can stop the broker and
 * start it again on the same data directory and port (scenario 14).
 */
public final class PackagedStack implements AutoCloseable {
    /** How long a service or the broker may take to start on the loaded 2-core build machine. */
    public static final Duration START_WAIT = Duration.ofSeconds(180);
    /** The readiness check that covers the broker connection of every channel (SmallRye Reactive Messaging). */
    public static final String MESSAGING_CHECK = "SmallRye Reactive Messaging - readiness check";

    private final Path repo;
    private final RunDir run;
    private final int kafkaPort;
    private final ServiceLauncher launcher;
    private final Map<String, String> common = new LinkedHashMap<>();
    private final Map<ServiceSpec, Integer> ports = new LinkedHashMap<>();
    private final Map<ServiceSpec, Map<String, String>> props = new LinkedHashMap<>();
    private final Map<ServiceSpec, Map<String, String>> own = new LinkedHashMap<>();
    private LocalKafka kafka;

    private PackagedStack(String prefix) throws IOException {
        repo = Path.of(System.getProperty("ares.repo.root", "..")).toAbsolutePath().normalize();
        run = new RunDir(repo, Files.createTempDirectory(prefix).resolve("run")).create();
        kafkaPort = freePort();
        kafka = startBroker();
        TopicAdmin.apply(kafka.bootstrapServers(), TopicsFile.load(repo.resolve(TopicsFile.RELATIVE_PATH)).topics());
        launcher = new ServiceLauncher(run);
        common.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        common.put("ares.checkpoints.root", run.checkpoints().toString());
        common.put("ares.blobs.root", run.blobs().toString());
        common.put("ares.model.dir", tinyModel().toString());
    }

    /**
     * Starts the broker, creates the topics and sets the properties every service gets: the bootstrap address, the
     * run's checkpoint and blob roots, and {@code ares.model.dir} = the tiny fixture model (qwen2-tiny).
     *
     * @param prefix name prefix of the temporary directory
     */
    public static PackagedStack broker(String prefix) throws IOException {
        return new PackagedStack(prefix);
    }

    /** The qwen2-tiny fixture model under {@code ../shared/fixtures/hf-reference}. */
    public Path tinyModel() {
        Path model = repo.resolveSibling("shared").resolve("fixtures/hf-reference/qwen2-tiny");
        if (!Files.isDirectory(model)) {
            throw new IllegalStateException("fixture model missing: " + model);
        }
        return model;
    }

    /** Adds a property every service started from now on receives. */
    public PackagedStack with(String key, String value) {
        common.put(key, value);
        return this;
    }

    /**
     * Adds a property only {@code service} receives (channel settings such as {@code mp.messaging.incoming.requests.*}
     * must not reach a service without that channel: SmallRye refuses a channel without a connector).
     */
    public PackagedStack with(ServiceSpec service, String key, String value) {
        own.computeIfAbsent(service, k -> new LinkedHashMap<>()).put(key, value);
        return this;
    }

    private Map<String, String> propsOf(ServiceSpec s) {
        Map<String, String> p = new LinkedHashMap<>(common);
        p.putAll(own.getOrDefault(s, Map.of()));
        return p;
    }

    /** Starts each service on a free port with the common properties (the consumers of a topic first, as given). */
    public PackagedStack start(List<ServiceSpec> services) throws IOException {
        List<ServiceLauncher.Started> started = new java.util.ArrayList<>();
        for (ServiceSpec s : services) {
            int port = freePort();
            ports.put(s, port);
            props.put(s, propsOf(s));
            started.add(launcher.spawn(s, port, props.get(s)));
        }
        for (ServiceLauncher.Started s : started) {
            launcher.awaitLive(s, START_WAIT);
        }
        return this;
    }

    /** Starts (again) one service on its port with its properties plus {@code overrides}. */
    public void start(ServiceSpec s, Map<String, String> overrides) throws IOException {
        Map<String, String> p = props.computeIfAbsent(s, this::propsOf);
        p.putAll(overrides);
        Integer port = ports.get(s);
        if (port == null) {
            port = freePort();
            ports.put(s, port);
        }
        launcher.start(s, port, p, START_WAIT);
    }

    /** The running process of a service. */
    public ProcessHandle process(ServiceSpec s) {
        return launcher.pidFile(s).process().orElseThrow(() -> new AssertionError(s.name() + " is not running; log:\n"
                + ServiceLauncher.tail(launcher.logFile(s))));
    }

    /** Stops a service if it runs (SIGTERM, SIGKILL after 20 s). */
    public void stop(ServiceSpec s) {
        launcher.pidFile(s).stop(Duration.ofSeconds(20));
    }

    /** SIGKILL, then waits for the exit. */
    public void kill(ServiceSpec s) {
        ProcessHandle p = process(s);
        p.destroyForcibly();
        p.onExit().join();
    }

    /** The base URL of a started service. */
    public String url(ServiceSpec s) {
        return "http://127.0.0.1:" + ports.get(s);
    }

    /** The log file of a service. */
    public Path log(ServiceSpec s) {
        return launcher.logFile(s);
    }

    /** The run directory (logs, checkpoints, broker data). */
    public RunDir run() {
        return run;
    }

    /** {@code 127.0.0.1:port} of the broker. */
    public String bootstrap() {
        return kafka.bootstrapServers();
    }

    /** Stops the broker process (SIGTERM, then SIGKILL after its grace). */
    public void stopBroker() {
        kafka.stop();
    }

    /** True while the broker process runs. */
    public boolean brokerAlive() {
        return kafka.isAlive();
    }

    /** Starts the broker again on the same data directory and port. */
    public void restartBroker() {
        kafka = startBroker();
    }

    private LocalKafka startBroker() {
        return LocalKafka.start(new LocalKafka.Options(run.kafkaData(), kafkaPort, run.logs().resolve("kafka.log"), START_WAIT));
    }

    /** The status of the messaging readiness check of a service ({@code UP}, {@code DOWN} or {@code MISSING}). */
    public static String messagingCheck(String url) {
        List<Map<String, Object>> checks = JsonPath.from(given().baseUri(url).get("/q/health/ready").asString()).getList("checks");
        return checks.stream().filter(c -> MESSAGING_CHECK.equals(c.get("name")))
                .map(c -> (String) c.get("status")).findFirst().orElse("MISSING");
    }

    /** Waits until the messaging readiness check of {@code url} reports {@code expected}. */
    public static void awaitMessagingCheck(String url, String expected, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = messagingCheck(url);
            if (expected.equals(last)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(url + ": messaging readiness check stayed " + last + ", expected " + expected);
    }

    /** The service with that name. */
    public static ServiceSpec spec(String name) {
        return ServiceSpec.ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops every service this fixture knows (SIGTERM, SIGKILL after 20 s) and the broker. */
    @Override
    public void close() {
        for (ServiceSpec s : ServiceSpec.ALL) {
            launcher.pidFile(s).stop(Duration.ofSeconds(20));
        }
        if (kafka != null && kafka.isAlive()) {
            kafka.stop();
        }
    }

    /** Every record of {@code topic} up to its current end offsets, read without a consumer group. */
    public List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> readAll(String topic) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("enable.auto.commit", "false");
        p.put("max.partition.fetch.bytes", Integer.toString(64 << 20));
        p.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> out = new java.util.ArrayList<>();
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(p)) {
            var parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("reading " + topic + " did not reach " + end + " within 2 minutes");
                }
                c.poll(Duration.ofSeconds(1)).forEach(out::add);
            }
        }
        return out;
    }

    /** The learner state inside an announced checkpoint, after verifying the manifest hash the event names. */
    public static dev.ares.core.learner.LearnerState learnerState(dev.ares.core.protocol.CheckpointEvent event) {
        try {
            var ckpt = new dev.ares.core.checkpoint.CheckpointStore(Path.of(java.net.URI.create(event.uri())).getParent())
                    .open(event.version(), event.manifestSha256());
            return dev.ares.core.learner.LearnerState.fromJson(
                    Files.readAllBytes(ckpt.file(dev.ares.core.learner.LearnerState.FILE)), dev.ares.core.learner.LearnerState.FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pid-file process of a service, if running (for assertions after a stop). */
    public Optional<ProcessHandle> running(ServiceSpec s) {
        return launcher.pidFile(s).process();
    }
}
