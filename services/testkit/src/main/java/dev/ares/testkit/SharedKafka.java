package dev.ares.testkit;

import dev.ares.kafkalocal.LocalKafka;
import dev.ares.kafkalocal.TopicAdmin;
import dev.ares.kafkalocal.TopicsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one local Kafka broker of a test JVM, shared by {@link KafkaBrokerExtension} and
 * {@link LocalKafkaResource}: started lazily on the first request (port 0, a temporary data
 * directory), given the topics of {@code kafka-topics/topics.yaml}, and stopped by a JVM shutdown
 * hook that also deletes its data directory. The broker also watches this JVM's pid, so a test JVM
 * that is killed (no shutdown hooks) leaves no broker behind.
 *
 * <p>Quarkus loads test resources in its own class loader, so a static field alone would give each
 * class loader its own broker. The bootstrap address is therefore published in the system property
 * {@value #STARTED_PROPERTY}, which every class loader's copy of this class reads first, and start-up
 * is serialised on an interned string, which is one object per JVM.
 *
 * <p>An already running broker can be used instead: set {@value #EXTERNAL_PROPERTY} (or the
 * environment variable {@value #EXTERNAL_ENV}) to its bootstrap servers; topics.yaml is applied to it.
 */
public final class SharedKafka {

    /** System property holding the shared broker's bootstrap servers once started. */
    public static final String STARTED_PROPERTY = "ares.testkit.kafka.bootstrap";
    /** System property naming an external broker to use instead of starting one. */
    public static final String EXTERNAL_PROPERTY = "ares.kafka.bootstrap";
    /** Environment variable naming an external broker. */
    public static final String EXTERNAL_ENV = "ARES_KAFKA_BOOTSTRAP";

    /** One object per JVM (string literals are interned), unlike a lock field per class loader. */
    private static final String JVM_WIDE_LOCK = "dev.ares.testkit.SharedKafka#start";

    private SharedKafka() {
    }

    /**
     * The shared broker's bootstrap servers, starting it and applying topics.yaml on first use.
     *
     * @return e.g. {@code 127.0.0.1:40123}
     * @throws dev.ares.kafkalocal.BrokerStartException when the broker cannot start (message has the log tail)
     */
    public static String bootstrapServers() {
        synchronized (JVM_WIDE_LOCK) {
            String started = System.getProperty(STARTED_PROPERTY);
            if (started != null) {
                return started;
            }
            TopicsFile topics = TopicsFile.loadDefault();
            String external = System.getProperty(EXTERNAL_PROPERTY, System.getenv(EXTERNAL_ENV));
            String bootstrap;
            if (external != null && !external.isBlank()) {
                bootstrap = external.strip();
            } else {
                bootstrap = startLocal(topics);
            }
            TopicAdmin.apply(bootstrap, topics.topics());
            System.setProperty(STARTED_PROPERTY, bootstrap);
            return bootstrap;
        }
    }

    private static String startLocal(TopicsFile topics) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("ares-test-kafka");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary directory for the test broker: " + e, e);
        }
        LocalKafka kafka = LocalKafka.start(LocalKafka.Options.of(dataDir, 0)
                .withMessageMaxBytes(topics.largestMaxMessageBytes())
                .withStartTimeout(Duration.ofSeconds(90))
                .stopWithThisJvm());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.stop();
            deleteRecursively(dataDir);
        }, "ares-test-kafka-stop"));
        return kafka.bootstrapServers();
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit: a leftover temporary directory is harmless
        }
    }
}
