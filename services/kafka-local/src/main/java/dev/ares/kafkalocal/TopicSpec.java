package dev.ares.kafkalocal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One topic of {@code kafka-topics/topics.yaml} (architecture.md §3): its name, a human description,
 * partition count, production replication factor and the four topic-level configs every ARES topic
 * sets explicitly.
 *
 * <p>Values are validated on construction; an invalid value raises {@link IllegalArgumentException}
 * whose message names the topic and the field (the YAML loader adds the file).
 *
 * @param name              Kafka topic name ({@code [a-zA-Z0-9._-]}, at most 249 characters)
 * @param description       free text: key, producer and consumer, record type
 * @param partitions        number of partitions, at least 1
 * @param replicationFactor replicas in production (Strimzi); a smaller cluster gets min(this, brokers)
 * @param retentionMs       {@code retention.ms}: milliseconds, or -1 for unlimited
 * @param cleanupPolicy     {@code cleanup.policy}: {@code delete}, {@code compact} or {@code compact,delete}
 * @param maxMessageBytes   {@code max.message.bytes}: largest record batch in bytes (after compression)
 * @param compressionType   {@code compression.type}: producer, uncompressed, lz4, zstd, snappy or gzip
 */
public record TopicSpec(
        String name,
        String description,
        int partitions,
        int replicationFactor,
        long retentionMs,
        String cleanupPolicy,
        int maxMessageBytes,
        String compressionType) {

    /** Kafka config key for {@link #retentionMs()}. */
    public static final String RETENTION_MS = "retention.ms";
    /** Kafka config key for {@link #cleanupPolicy()}. */
    public static final String CLEANUP_POLICY = "cleanup.policy";
    /** Kafka config key for {@link #maxMessageBytes()}. */
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    /** Kafka config key for {@link #compressionType()}. */
    public static final String COMPRESSION_TYPE = "compression.type";

    /** The topic-level config keys every topic must set, in the order they are written. */
    public static final Set<String> CONFIG_KEYS =
            Set.of(RETENTION_MS, CLEANUP_POLICY, MAX_MESSAGE_BYTES, COMPRESSION_TYPE);

    /** Allowed {@code cleanup.policy} values. */
    public static final Set<String> CLEANUP_POLICIES = Set.of("delete", "compact", "compact,delete");

    /** Allowed {@code compression.type} values (Kafka 4.x topic config). */
    public static final Set<String> COMPRESSION_TYPES =
            Set.of("producer", "uncompressed", "lz4", "zstd", "snappy", "gzip");

    /** Suffix of dead-letter topics (architecture.md §3, {@code *.dlq}). */
    public static final String DLQ_SUFFIX = ".dlq";

    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /** Validates every field; see the class documentation for the rules. */
    public TopicSpec {
        Objects.requireNonNull(name, "topic name");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("topic '" + name + "': field 'name' must match "
                    + LEGAL_NAME.pattern() + " (Kafka topic name rules)");
        }
        if (description == null || description.isBlank()) {
            throw invalid(name, "description", "must be a non-empty text", description);
        }
        if (partitions < 1) {
            throw invalid(name, "partitions", "must be >= 1", partitions);
        }
        if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
            throw invalid(name, "replicationFactor", "must be between 1 and " + Short.MAX_VALUE, replicationFactor);
        }
        if (retentionMs < -1) {
            throw invalid(name, "config." + RETENTION_MS, "must be >= -1 (-1 = unlimited)", retentionMs);
        }
        if (cleanupPolicy == null || !CLEANUP_POLICIES.contains(cleanupPolicy)) {
            throw invalid(name, "config." + CLEANUP_POLICY, "must be one of " + CLEANUP_POLICIES, cleanupPolicy);
        }
        if (maxMessageBytes < 1) {
            throw invalid(name, "config." + MAX_MESSAGE_BYTES, "must be >= 1", maxMessageBytes);
        }
        if (compressionType == null || !COMPRESSION_TYPES.contains(compressionType)) {
            throw invalid(name, "config." + COMPRESSION_TYPE, "must be one of " + COMPRESSION_TYPES, compressionType);
        }
    }

    /**
     * The topic-level configs as Kafka expects them (string values), in a fixed order:
     * retention.ms, cleanup.policy, max.message.bytes, compression.type.
     */
    public Map<String, String> configs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(RETENTION_MS, Long.toString(retentionMs));
        m.put(CLEANUP_POLICY, cleanupPolicy);
        m.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        m.put(COMPRESSION_TYPE, compressionType);
        return m;
    }

    /** True for a dead-letter topic (name ends in {@code .dlq}). */
    public boolean isDeadLetter() {
        return name.endsWith(DLQ_SUFFIX);
    }

    private static IllegalArgumentException invalid(String topic, String field, String rule, Object got) {
        return new IllegalArgumentException(
                "topic '" + topic + "': field '" + field + "' " + rule + ", got " + (got == null ? "nothing" : "'" + got + "'"));
    }
}
