package dev.ares.kafkalocal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed {@code kafka-topics/topics.yaml}, the one source of truth for ARES topics
 * (architecture.md §3).
 *
 * <p>Schema (every field required unless noted; unknown fields are errors, so typos do not pass):
 * <pre>
 * strimzi:
 *   cluster: ares                      # strimzi.io/cluster label of the generated KafkaTopics
 * clientDefaults:
 *   producer: {max.request.size: N, ...}                               # any producer properties
 *   consumer: {max.partition.fetch.bytes: N, fetch.max.bytes: N, ...}  # any consumer properties
 * topics:
 *   - name: ares.rollouts
 *     description: text
 *     partitions: 4
 *     replicationFactor: 3
 *     config: {retention.ms: N, cleanup.policy: delete, max.message.bytes: N, compression.type: lz4}
 * </pre>
 * Errors raise {@link TopicsFileException} naming the file, the topic and the field.
 *
 * @param source         the file it was read from (null when parsed from text)
 * @param strimziCluster the Strimzi cluster name for {@code strimzi.io/cluster}
 * @param clientDefaults producer/consumer settings matching the topics' size limits
 * @param topics         topics in file order, names unique
 */
public record TopicsFile(Path source, String strimziCluster, ClientDefaults clientDefaults, List<TopicSpec> topics) {

    /** Path of the file relative to the repository root. */
    public static final Path RELATIVE_PATH = Path.of("kafka-topics", "topics.yaml");

    /** System property holding the repository root (set by the build for tests). */
    public static final String REPO_ROOT_PROPERTY = "ares.repo.root";

    private static final Set<String> ROOT_FIELDS = Set.of("strimzi", "clientDefaults", "topics");
    private static final Set<String> TOPIC_FIELDS =
            Set.of("name", "description", "partitions", "replicationFactor", "config");

    /** Makes the topic list unmodifiable. */
    public TopicsFile {
        topics = List.copyOf(topics);
    }

    /**
     * Reads and validates a topics file.
     *
     * @param file path to a topics.yaml
     * @return the validated model
     * @throws TopicsFileException when the file is missing, not YAML, or breaks the schema
     */
    public static TopicsFile load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new TopicsFileException(file, "cannot read: " + e, e);
        }
        return parse(file, text);
    }

    /**
     * Finds {@code kafka-topics/topics.yaml}: under the system property {@value #REPO_ROOT_PROPERTY}
     * if set, otherwise in the working directory or the nearest parent that has one.
     *
     * @return the path of the file (it exists)
     * @throws TopicsFileException when no such file is found; the message lists where it looked
     */
    public static Path locate() {
        List<Path> tried = new ArrayList<>();
        String root = System.getProperty(REPO_ROOT_PROPERTY);
        if (root != null && !root.isBlank()) {
            Path p = Path.of(root).toAbsolutePath().normalize().resolve(RELATIVE_PATH);
            if (Files.isRegularFile(p)) {
                return p;
            }
            tried.add(p);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(RELATIVE_PATH);
            if (Files.isRegularFile(p)) {
                return p;
            }
            tried.add(p);
        }
        throw new TopicsFileException(null, "not found; looked at " + tried
                + " (run from the repository or set -D" + REPO_ROOT_PROPERTY + "=<repo root>)", null);
    }

    /** {@code load(locate())}. */
    public static TopicsFile loadDefault() {
        return load(locate());
    }

    /**
     * Parses topics.yaml text.
     *
     * @param source file name used in error messages (may be null)
     * @param yaml   the YAML text
     */
    public static TopicsFile parse(Path source, String yaml) {
        YAMLMapper mapper = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
        JsonNode root;
        try {
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new TopicsFileException(source, "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"), e);
        }
        if (root == null || !root.isObject()) {
            throw new TopicsFileException(source, "must be a YAML mapping with fields " + ROOT_FIELDS, null);
        }
        rejectUnknown(source, root, ROOT_FIELDS, "top level");

        JsonNode strimzi = require(source, root, "strimzi", "top level");
        if (!strimzi.isObject()) {
            throw new TopicsFileException(source, "field 'strimzi' must be a mapping with field 'cluster'", null);
        }
        rejectUnknown(source, strimzi, Set.of("cluster"), "strimzi");
        String cluster = text(source, strimzi, "cluster", "strimzi");

        ClientDefaults clients = clientDefaults(source, require(source, root, "clientDefaults", "top level"));

        JsonNode topicsNode = require(source, root, "topics", "top level");
        if (!topicsNode.isArray() || topicsNode.isEmpty()) {
            throw new TopicsFileException(source, "field 'topics' must be a non-empty list", null);
        }
        List<TopicSpec> topics = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode t : topicsNode) {
            TopicSpec spec = topic(source, t, index++);
            if (!names.add(spec.name())) {
                throw new TopicsFileException(source, "topic '" + spec.name() + "' is declared twice", null);
            }
            topics.add(spec);
        }
        TopicsFile file = new TopicsFile(source, cluster, clients, topics);
        file.checkClientLimits();
        return file;
    }

    /** The topic with this name, if declared. */
    public Optional<TopicSpec> topic(String name) {
        return topics.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The largest {@code max.message.bytes} of all topics, in bytes. */
    public int largestMaxMessageBytes() {
        return topics.stream().mapToInt(TopicSpec::maxMessageBytes).max().orElseThrow();
    }

    private void checkClientLimits() {
        int largest = largestMaxMessageBytes();
        String largestTopic = topics.stream().filter(t -> t.maxMessageBytes() == largest).findFirst().orElseThrow().name();
        if (clientDefaults.maxRequestSize() < largest) {
            throw new TopicsFileException(source, "clientDefaults.producer." + ClientDefaults.MAX_REQUEST_SIZE + " ("
                    + clientDefaults.maxRequestSize() + ") is smaller than topic '" + largestTopic
                    + "' max.message.bytes (" + largest + ")", null);
        }
        if (clientDefaults.maxPartitionFetchBytes() < largest) {
            throw new TopicsFileException(source, "clientDefaults.consumer." + ClientDefaults.MAX_PARTITION_FETCH_BYTES
                    + " (" + clientDefaults.maxPartitionFetchBytes() + ") is smaller than topic '" + largestTopic
                    + "' max.message.bytes (" + largest + ")", null);
        }
        if (clientDefaults.fetchMaxBytes() < clientDefaults.maxPartitionFetchBytes()) {
            throw new TopicsFileException(source, "clientDefaults.consumer." + ClientDefaults.FETCH_MAX_BYTES + " ("
                    + clientDefaults.fetchMaxBytes() + ") is smaller than " + ClientDefaults.MAX_PARTITION_FETCH_BYTES
                    + " (" + clientDefaults.maxPartitionFetchBytes() + ")", null);
        }
    }

    private static ClientDefaults clientDefaults(Path source, JsonNode node) {
        if (!node.isObject()) {
            throw new TopicsFileException(source, "field 'clientDefaults' must be a mapping with 'producer' and 'consumer'", null);
        }
        rejectUnknown(source, node, Set.of("producer", "consumer"), "clientDefaults");
        Map<String, String> producer = scalarMap(source, require(source, node, "producer", "clientDefaults"), "clientDefaults.producer");
        Map<String, String> consumer = scalarMap(source, require(source, node, "consumer", "clientDefaults"), "clientDefaults.consumer");
        requirePositiveInt(source, producer, ClientDefaults.MAX_REQUEST_SIZE, "clientDefaults.producer");
        requirePositiveInt(source, consumer, ClientDefaults.FETCH_MAX_BYTES, "clientDefaults.consumer");
        requirePositiveInt(source, consumer, ClientDefaults.MAX_PARTITION_FETCH_BYTES, "clientDefaults.consumer");
        return new ClientDefaults(producer, consumer);
    }

    private static TopicSpec topic(Path source, JsonNode t, int index) {
        String where = "topics[" + index + "]";
        if (!t.isObject()) {
            throw new TopicsFileException(source, where + " must be a mapping", null);
        }
        String name = text(source, t, "name", where);
        String ctx = "topic '" + name + "'";
        rejectUnknown(source, t, TOPIC_FIELDS, ctx);
        String description = text(source, t, "description", ctx);
        long partitions = integer(source, t, "partitions", ctx);
        long replication = integer(source, t, "replicationFactor", ctx);
        JsonNode config = require(source, t, "config", ctx);
        if (!config.isObject()) {
            throw new TopicsFileException(source, ctx + ": field 'config' must be a mapping with " + TopicSpec.CONFIG_KEYS, null);
        }
        rejectUnknown(source, config, TopicSpec.CONFIG_KEYS, ctx + " config");
        long retention = integer(source, config, TopicSpec.RETENTION_MS, ctx + " config");
        String cleanup = text(source, config, TopicSpec.CLEANUP_POLICY, ctx + " config");
        long maxBytes = integer(source, config, TopicSpec.MAX_MESSAGE_BYTES, ctx + " config");
        String compression = text(source, config, TopicSpec.COMPRESSION_TYPE, ctx + " config");
        if (partitions > Integer.MAX_VALUE || replication > Integer.MAX_VALUE || maxBytes > Integer.MAX_VALUE) {
            throw new TopicsFileException(source, ctx + ": partitions, replicationFactor and "
                    + TopicSpec.MAX_MESSAGE_BYTES + " must fit in a 32-bit integer", null);
        }
        try {
            return new TopicSpec(name, description.strip(), (int) partitions, (int) replication, retention,
                    cleanup, (int) maxBytes, compression);
        } catch (IllegalArgumentException e) {
            throw new TopicsFileException(source, e.getMessage(), e);
        }
    }

    private static JsonNode require(Path source, JsonNode parent, String field, String ctx) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new TopicsFileException(source, ctx + ": field '" + field + "' is missing", null);
        }
        return n;
    }

    private static String text(Path source, JsonNode parent, String field, String ctx) {
        JsonNode n = require(source, parent, field, ctx);
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new TopicsFileException(source, ctx + ": field '" + field + "' must be a non-empty text, got " + n, null);
        }
        return n.asText();
    }

    private static long integer(Path source, JsonNode parent, String field, String ctx) {
        JsonNode n = require(source, parent, field, ctx);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new TopicsFileException(source, ctx + ": field '" + field + "' must be an integer, got " + n, null);
        }
        return n.asLong();
    }

    private static Map<String, String> scalarMap(Path source, JsonNode node, String ctx) {
        if (!node.isObject()) {
            throw new TopicsFileException(source, "field '" + ctx + "' must be a mapping of Kafka properties", null);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new TopicsFileException(source, ctx + ": field '" + e.getKey() + "' must be a scalar, got " + e.getValue(), null);
            }
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    private static void requirePositiveInt(Path source, Map<String, String> m, String key, String ctx) {
        String v = m.get(key);
        if (v == null) {
            throw new TopicsFileException(source, ctx + ": field '" + key + "' is missing", null);
        }
        try {
            if (Integer.parseInt(v) < 1) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new TopicsFileException(source, ctx + ": field '" + key + "' must be a positive 32-bit integer, got '" + v + "'", null);
        }
    }

    private static void rejectUnknown(Path source, JsonNode node, Set<String> allowed, String ctx) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new TopicsFileException(source, ctx + ": unknown field '" + f + "' (allowed: " + allowed + ")", null);
            }
        }
    }
}
