package dev.ares.kafkalocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The committed topics.yaml against architecture.md §3, and the loader's error messages. */
class TopicsFileTest {

    private static final int MIB16 = 16 * 1024 * 1024;

    /** Topic names written out from architecture.md §3 (not read from the file under test). */
    private static final Set<String> SECTION3 = Set.of(
            "ares.rollout.requests", "ares.rollouts", "ares.scored", "ares.checkpoints", "ares.train.events",
            "ares.rollout.requests.dlq", "ares.rollouts.dlq", "ares.scored.dlq", "ares.checkpoints.dlq");

    @Test
    void committedFileDeclaresEveryTopicOfSection3() {
        TopicsFile f = TopicsFile.loadDefault();
        assertEquals(SECTION3, f.topics().stream().map(TopicSpec::name).collect(Collectors.toSet()));
        for (String input : List.of("ares.rollout.requests", "ares.rollouts", "ares.scored", "ares.checkpoints")) {
            TopicSpec dlq = f.topic(input + ".dlq").orElseThrow();
            assertTrue(dlq.isDeadLetter());
            assertTrue(dlq.maxMessageBytes() >= f.topic(input).orElseThrow().maxMessageBytes(),
                    "a DLQ must hold the original record of " + input);
        }
        assertEquals("compact", f.topic("ares.checkpoints").orElseThrow().cleanupPolicy());
        assertEquals("ares", f.strimziCluster());
    }

    @Test
    void largeRecordTopicsAndClientsAllowSixteenMebibytes() {
        TopicsFile f = TopicsFile.loadDefault();
        for (String t : List.of("ares.rollouts", "ares.scored", "ares.rollouts.dlq", "ares.scored.dlq")) {
            assertEquals(MIB16, f.topic(t).orElseThrow().maxMessageBytes(), t);
            assertEquals(String.valueOf(MIB16), f.topic(t).orElseThrow().configs().get("max.message.bytes"));
        }
        assertEquals(MIB16, f.largestMaxMessageBytes());
        assertTrue(f.clientDefaults().maxRequestSize() >= MIB16);
        assertTrue(f.clientDefaults().maxPartitionFetchBytes() >= MIB16);
        assertTrue(f.clientDefaults().fetchMaxBytes() >= f.clientDefaults().maxPartitionFetchBytes());
    }

    @Test
    void configsAreTheFourKafkaKeysInFixedOrder() {
        TopicSpec s = TopicsFile.loadDefault().topic("ares.checkpoints").orElseThrow();
        assertEquals(List.of("retention.ms", "cleanup.policy", "max.message.bytes", "compression.type"),
                List.copyOf(s.configs().keySet()));
        assertEquals("-1", s.configs().get("retention.ms"));
    }

    @Test
    void locateHonoursTheRepoRootProperty() throws IOException {
        Path root = Files.createTempDirectory("ares-topics");
        Files.createDirectories(root.resolve("kafka-topics"));
        Files.writeString(root.resolve("kafka-topics/topics.yaml"), valid());
        String old = System.getProperty(TopicsFile.REPO_ROOT_PROPERTY);
        try {
            System.setProperty(TopicsFile.REPO_ROOT_PROPERTY, root.toString());
            assertEquals(root.resolve("kafka-topics/topics.yaml").toAbsolutePath(), TopicsFile.locate());
            assertEquals(List.of("t.one"), TopicsFile.loadDefault().topics().stream().map(TopicSpec::name).toList());
        } finally {
            if (old == null) {
                System.clearProperty(TopicsFile.REPO_ROOT_PROPERTY);
            } else {
                System.setProperty(TopicsFile.REPO_ROOT_PROPERTY, old);
            }
        }
    }

    @Test
    void missingFileIsATypedError() {
        Path missing = Path.of("/nonexistent/topics.yaml");
        TopicsFileException e = assertThrows(TopicsFileException.class, () -> TopicsFile.load(missing));
        assertTrue(e.getMessage().startsWith(missing.toString()), e.getMessage());
    }

    @Test
    void validMinimalFileParses() {
        TopicsFile f = TopicsFile.parse(null, valid());
        TopicSpec t = f.topics().get(0);
        assertEquals(new TopicSpec("t.one", "a topic", 2, 3, 1000, "delete", 2048, "lz4"), t);
        assertEquals("4096", f.clientDefaults().producer().get("max.request.size"));
        assertFalse(t.isDeadLetter());
    }

    /** Each row: text of the valid file, its replacement, and two phrases the error must contain. */
    static Stream<Arguments> brokenFields() {
        return Stream.of(
                Arguments.of("partitions: 2", "partitions: 0", "topic 't.one'", "'partitions'"),
                Arguments.of("partitions: 2", "partitions: two", "topic 't.one'", "'partitions'"),
                Arguments.of("partitions: 2", "partition: 2", "topic 't.one'", "'partition'"),
                Arguments.of("cleanup.policy: delete", "cleanup.policy: remove", "topic 't.one'", "'config.cleanup.policy'"),
                Arguments.of("compression.type: lz4", "compression.type: brotli", "topic 't.one'", "'config.compression.type'"),
                Arguments.of("retention.ms: 1000", "retention.ms: -5", "topic 't.one'", "'config.retention.ms'"),
                Arguments.of("      max.message.bytes: 2048\n", "", "topic 't.one'", "'max.message.bytes' is missing"),
                Arguments.of("max.message.bytes: 2048", "max.message.bytes: 9000", "max.request.size", "'t.one'"),
                Arguments.of("fetch.max.bytes: 8192", "fetch.max.bytes: 1000", "fetch.max.bytes", "max.partition.fetch.bytes"),
                Arguments.of("replicationFactor: 3", "replicationFactor: 3\n    replicas: 3", "topic 't.one'", "unknown field 'replicas'"),
                Arguments.of("name: t.one", "name: bad/name", "topic 'bad/name'", "'name'"),
                Arguments.of("description: a topic", "description: ''", "topic 't.one'", "'description'"),
                Arguments.of("cluster: ares", "cluster: [a, b]", "strimzi", "'cluster'"));
    }

    @ParameterizedTest
    @MethodSource("brokenFields")
    void brokenFieldsNameTopicAndField(String from, String to, String mention1, String mention2) {
        String yaml = valid().replace(from, to);
        assertFalse(yaml.equals(valid()), "the replacement must change the file: " + from);
        TopicsFileException e = assertThrows(TopicsFileException.class,
                () -> TopicsFile.parse(Path.of("x/topics.yaml"), yaml));
        assertTrue(e.getMessage().startsWith("x/topics.yaml: "), e.getMessage());
        assertTrue(e.getMessage().contains(mention1), e.getMessage());
        assertTrue(e.getMessage().contains(mention2), e.getMessage());
    }

    @Test
    void duplicateTopicAndBadYamlAreReported() {
        String dup = valid() + valid().substring(valid().indexOf("  - name"));
        assertTrue(assertThrows(TopicsFileException.class, () -> TopicsFile.parse(null, dup))
                .getMessage().contains("topic 't.one' is declared twice"));
        TopicsFileException e = assertThrows(TopicsFileException.class,
                () -> TopicsFile.parse(null, "topics: [\n  - {name: x"));
        assertTrue(e.getMessage().contains("not valid YAML") && e.getMessage().contains("line"), e.getMessage());
    }

    static String valid() {
        return """
                strimzi:
                  cluster: ares
                clientDefaults:
                  producer:
                    max.request.size: 4096
                  consumer:
                    max.partition.fetch.bytes: 4096
                    fetch.max.bytes: 8192
                topics:
                  - name: t.one
                    description: a topic
                    partitions: 2
                    replicationFactor: 3
                    config:
                      retention.ms: 1000
                      cleanup.policy: delete
                      max.message.bytes: 2048
                      compression.type: lz4
                """;
    }
}
