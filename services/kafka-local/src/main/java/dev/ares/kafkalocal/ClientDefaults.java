package dev.ares.kafkalocal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code clientDefaults} section of {@code topics.yaml}: Kafka producer and consumer properties
 * every ARES client must use so that records up to the largest topic's {@code max.message.bytes}
 * can be produced and fetched (architecture.md §3, "Large records").
 *
 * <p>{@link TopicsFile} checks on load that {@code max.request.size} and
 * {@code max.partition.fetch.bytes} are at least the largest {@code max.message.bytes}, and that
 * {@code fetch.max.bytes >= max.partition.fetch.bytes}.
 *
 * @param producer producer properties (Kafka names, string values), insertion-ordered, unmodifiable
 * @param consumer consumer properties (Kafka names, string values), insertion-ordered, unmodifiable
 */
public record ClientDefaults(Map<String, String> producer, Map<String, String> consumer) {

    /** Producer key: largest request in bytes. */
    public static final String MAX_REQUEST_SIZE = "max.request.size";
    /** Consumer key: largest fetch response in bytes. */
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    /** Consumer key: largest data per partition in a fetch, in bytes. */
    public static final String MAX_PARTITION_FETCH_BYTES = "max.partition.fetch.bytes";

    /** Copies both maps, keeping their order. */
    public ClientDefaults {
        producer = Collections.unmodifiableMap(new LinkedHashMap<>(producer));
        consumer = Collections.unmodifiableMap(new LinkedHashMap<>(consumer));
    }

    /** {@code max.request.size} in bytes. */
    public int maxRequestSize() {
        return Integer.parseInt(producer.get(MAX_REQUEST_SIZE));
    }

    /** {@code fetch.max.bytes} in bytes. */
    public int fetchMaxBytes() {
        return Integer.parseInt(consumer.get(FETCH_MAX_BYTES));
    }

    /** {@code max.partition.fetch.bytes} in bytes. */
    public int maxPartitionFetchBytes() {
        return Integer.parseInt(consumer.get(MAX_PARTITION_FETCH_BYTES));
    }

    /** Producer properties as a mutable map, ready to extend with bootstrap servers and serializers. */
    public Map<String, Object> producerProperties() {
        return new LinkedHashMap<>(producer);
    }

    /** Consumer properties as a mutable map, ready to extend with bootstrap servers and deserializers. */
    public Map<String, Object> consumerProperties() {
        return new LinkedHashMap<>(consumer);
    }
}
