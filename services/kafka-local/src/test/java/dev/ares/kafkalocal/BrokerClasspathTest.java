package dev.ares.kafkalocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The build-time classpath resource resolves to existing jars with the broker and its log binding. */
class BrokerClasspathTest {

    @Test
    void resolvesBrokerJarsAndOwnLocationFirst() {
        List<Path> cp = BrokerClasspath.resolve();
        assertTrue(cp.get(0).toString().contains("kafka-local"), cp.get(0).toString());
        for (Path p : cp) {
            assertTrue(Files.exists(p), p + " missing");
        }
        List<String> names = cp.stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.contains("kafka_2.13-4.1.2.jar"), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("log4j-slf4j2-impl-")), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.startsWith("slf4j-reload4j") || n.startsWith("logback")), names.toString());
    }

    @Test
    void entriesUseTheRepositoryPlaceholder() {
        List<String> entries = BrokerClasspath.entries();
        assertTrue(entries.stream().allMatch(e -> e.startsWith(BrokerClasspath.REPO_PLACEHOLDER + "/")), entries.toString());
        assertEquals(1, entries.stream().filter(e -> e.endsWith("/kafka_2.13-4.1.2.jar")).count());
    }
}
