package dev.ares.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that makes the test JVM's shared local Kafka broker ({@link SharedKafka}) run
 * before the test class starts, with every topic of {@code kafka-topics/topics.yaml}. One broker per
 * JVM, started lazily, stopped by a shutdown hook; tests share it, so they must find their records by
 * content (ids), not by position.
 *
 * <pre>
 * {@literal @}ExtendWith(KafkaBrokerExtension.class)   // or {@literal @}WithLocalKafka
 * class MyTest {
 *     {@literal @}Test void t() { String bs = KafkaBrokerExtension.bootstrapServers(); ... }
 * }
 * </pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback {

    /** Starts the shared broker if it is not running yet. */
    @Override
    public void beforeAll(ExtensionContext context) {
        SharedKafka.bootstrapServers();
    }

    /** Bootstrap servers of the shared broker ({@code 127.0.0.1:PORT}), starting it if needed. */
    public static String bootstrapServers() {
        return SharedKafka.bootstrapServers();
    }
}
