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

    /**
     * Differences from a spec: partition count and the configs of {@link TopicSpec#configs()}
     * (replication is not compared, a small cluster caps it).
     *
     * @return e.g. {@code ["partitions 1 (topics.yaml: 4)", "retention.ms 1234 (topics.yaml: 86400000)"]}; empty when it matches
     */
    public java.util.List<String> differencesFrom(TopicSpec spec) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (partitions != spec.partitions()) {
            out.add("partitions " + partitions + " (topics.yaml: " + spec.partitions() + ")");
        }
        spec.configs().forEach((k, v) -> {
            if (!v.equals(configs.get(k))) {
                out.add(k + " " + configs.get(k) + " (topics.yaml: " + v + ")");
            }
        });
        return out;
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
