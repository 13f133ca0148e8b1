package dev.ares.kafkalocal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A topic as the broker reports it ({@link TopicAdmin#describe(String)}).
 *
 * @param name              topic name
 * @param partitions        partition count
 * @param replicationFactor replicas of partition 0
 * @param configs           every topic config the broker reports (defaults included), sorted by key
 */
public record TopicState(String name, int partitions, int replicationFactor, Map<String, String> configs) {

    /** Copies the configs into an unmodifiable sorted map. */
    public TopicState {
        configs = Collections.unmodifiableMap(new TreeMap<>(configs));
    }

    /** The configs topics.yaml sets ({@link TopicSpec#CONFIG_KEYS}), in {@link TopicSpec#configs()} order. */
    public Map<String, String> keyConfigs() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : new String[] {TopicSpec.RETENTION_MS, TopicSpec.CLEANUP_POLICY,
                TopicSpec.MAX_MESSAGE_BYTES, TopicSpec.COMPRESSION_TYPE}) {
            m.put(k, configs.get(k));
        }
        return m;
    }
}
