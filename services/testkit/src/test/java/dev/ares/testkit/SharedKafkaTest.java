package dev.ares.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.kafkalocal.TopicAdmin;
import dev.ares.kafkalocal.TopicSpec;
import dev.ares.kafkalocal.TopicState;
import dev.ares.kafkalocal.TopicsFile;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The shared broker: started once per JVM, topics applied, reachable from the extension and the Quarkus resource. */
@WithLocalKafka
class SharedKafkaTest {

    @Test
    void brokerRunsOnLoopbackWithEveryTopicOfTopicsYaml() {
        String bs = KafkaBrokerExtension.bootstrapServers();
        assertTrue(bs.startsWith("127.0.0.1:"), bs);
        Map<String, TopicState> onBroker = TopicAdmin.describe(bs).stream()
                .collect(Collectors.toMap(TopicState::name, t -> t));
        for (TopicSpec spec : TopicsFile.loadDefault().topics()) {
            TopicState s = onBroker.get(spec.name());
            assertTrue(s != null, spec.name() + " missing");
            assertEquals(spec.partitions(), s.partitions(), spec.name());
            assertEquals(spec.configs(), s.keyConfigs(), spec.name());
        }
    }

    @Test
    void quarkusResourceReturnsTheSameBrokerAndStopKeepsItRunning() {
        LocalKafkaResource resource = new LocalKafkaResource();
        Map<String, String> config = resource.start();
        String bs = KafkaBrokerExtension.bootstrapServers();
        assertEquals(Map.of("kafka.bootstrap.servers", bs,
                "mp.messaging.connector.smallrye-kafka.bootstrap.servers", bs), config);
        resource.stop();
        String key = "after-stop-" + UUID.randomUUID();
        try (TopicProbe probe = new TopicProbe(bs)) {
            probe.send("ares.train.events", key, key.getBytes(StandardCharsets.UTF_8));
            ConsumerRecord<String, byte[]> r = probe.await("ares.train.events", rec -> key.equals(rec.key()), Duration.ofSeconds(30));
            assertEquals(key, new String(r.value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anotherClassLoaderReusesTheBrokerInsteadOfStartingASecond() throws Exception {
        String bs = KafkaBrokerExtension.bootstrapServers();
        List<URL> urls = new ArrayList<>();
        for (String s : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(s).toUri().toURL());
        }
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> other = isolated.loadClass(SharedKafka.class.getName());
            assertNotSame(SharedKafka.class, other, "the test needs a second copy of the class");
            assertEquals(bs, other.getMethod("bootstrapServers").invoke(null));
        }
    }
}
