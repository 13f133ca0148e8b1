package dev.ares.kafkalocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed kafka-topics/strimzi/ files are exactly what topics.yaml generates. */
class StrimziTopicsGeneratorTest {

    @Test
    void committedStrimziResourcesMatchTopicsYaml() {
        Path topicsYaml = TopicsFile.locate();
        Path dir = StrimziTopicsGenerator.defaultOutDir(topicsYaml);
        List<String> drift = StrimziTopicsGenerator.drift(TopicsFile.load(topicsYaml), dir);
        assertEquals(List.of(), drift, "kafka-topics/strimzi/ is out of date: run `./ares topics strimzi`");
    }

    @Test
    void eachTopicBecomesAKafkaTopicForTheConfiguredCluster() throws Exception {
        TopicsFile f = TopicsFile.parse(null, TopicsFileTest.valid());
        Map<String, String> files = StrimziTopicsGenerator.render(f);
        assertEquals(List.of("kustomization.yaml", "t.one.yaml"), List.copyOf(files.keySet()));
        String text = files.get("t.one.yaml");
        assertTrue(text.startsWith("# GENERATED"), text);
        JsonNode n = new YAMLMapper().readTree(text);
        assertEquals("kafka.strimzi.io/v1beta2", n.path("apiVersion").asText());
        assertEquals("KafkaTopic", n.path("kind").asText());
        assertEquals("t.one", n.path("metadata").path("name").asText());
        assertEquals("ares", n.path("metadata").path("labels").path("strimzi.io/cluster").asText());
        assertEquals("t.one", n.path("spec").path("topicName").asText());
        assertEquals(2, n.path("spec").path("partitions").asInt());
        assertEquals(3, n.path("spec").path("replicas").asInt());
        JsonNode cfg = n.path("spec").path("config");
        assertEquals(1000L, cfg.path("retention.ms").asLong());
        assertEquals("delete", cfg.path("cleanup.policy").asText());
        assertEquals(2048, cfg.path("max.message.bytes").asInt());
        assertEquals("lz4", cfg.path("compression.type").asText());
        JsonNode k = new YAMLMapper().readTree(files.get("kustomization.yaml"));
        assertEquals("t.one.yaml", k.path("resources").get(0).asText());
    }

    @Test
    void driftReportsChangedMissingAndStaleFilesAndWriteRepairsThem(@TempDir Path dir) throws Exception {
        TopicsFile f = TopicsFile.parse(null, TopicsFileTest.valid());
        StrimziTopicsGenerator.write(f, dir);
        assertEquals(List.of(), StrimziTopicsGenerator.drift(f, dir));

        Files.writeString(dir.resolve("t.one.yaml"), Files.readString(dir.resolve("t.one.yaml")).replace("partitions: 2", "partitions: 5"));
        Files.writeString(dir.resolve("old.topic.yaml"), StrimziTopicsGenerator.HEADER + "kind: KafkaTopic\n");
        Files.writeString(dir.resolve("hand-written.yaml"), "kind: ConfigMap\n");
        Files.delete(dir.resolve("kustomization.yaml"));
        List<String> drift = StrimziTopicsGenerator.drift(f, dir);
        assertEquals(List.of("differs " + dir.resolve("t.one.yaml"), "missing " + dir.resolve("kustomization.yaml"),
                "stale " + dir.resolve("old.topic.yaml")), drift.stream().sorted().toList());

        StrimziTopicsGenerator.write(f, dir);
        assertEquals(List.of(), StrimziTopicsGenerator.drift(f, dir));
        assertTrue(Files.exists(dir.resolve("hand-written.yaml")), "files without the header are not ours");
        assertTrue(Files.notExists(dir.resolve("old.topic.yaml")));
    }

    @Test
    void realTopicsKeepSixteenMebibytesOnRollouts() throws Exception {
        String text = StrimziTopicsGenerator.render(TopicsFile.loadDefault()).get("ares.rollouts.yaml");
        JsonNode n = new YAMLMapper().readTree(text);
        assertEquals(16777216, n.path("spec").path("config").path("max.message.bytes").asInt());
    }
}
