package dev.ares.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource backed by the JVM's shared local broker ({@link SharedKafka}), with the
 * topics of {@code kafka-topics/topics.yaml} applied. Use with
 * {@code @WithTestResource(LocalKafkaResource.class)} (no Docker, no Dev Services).
 *
 * <p>{@link #start()} returns {@code kafka.bootstrap.servers} and
 * {@code mp.messaging.connector.smallrye-kafka.bootstrap.servers}; {@link #stop()} leaves the broker
 * running for the next test class (a shutdown hook stops it at JVM exit).
 */
public class LocalKafkaResource implements QuarkusTestResourceLifecycleManager {

    /** Config key the Quarkus Kafka extensions read. */
    public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";
    /** Config key of the SmallRye Kafka connector. */
    public static final String CONNECTOR_BOOTSTRAP = "mp.messaging.connector.smallrye-kafka.bootstrap.servers";

    @Override
    public Map<String, String> start() {
        String bootstrap = SharedKafka.bootstrapServers();
        return Map.of(KAFKA_BOOTSTRAP, bootstrap, CONNECTOR_BOOTSTRAP, bootstrap);
    }

    /** Keeps the shared broker running; it is stopped when the JVM exits. */
    @Override
    public void stop() {
        // shared across test classes; see SharedKafka
    }
}
