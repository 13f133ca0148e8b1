package dev.ares.core.checkpoint;

import dev.ares.core.protocol.CheckpointKind;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a checkpoint is, as recorded in its manifest (architecture.md §4 step 5).
 *
 * @param version     checkpoint version, {@code >= 0}; versions of one store increase monotonically
 * @param step        learner step that produced it, {@code >= 0}
 * @param kind        {@link CheckpointKind#FULL} weights or a {@link CheckpointKind#LORA} adapter
 * @param baseVersion for LORA, the full version it applies to ({@code < version}); {@code null} for FULL
 * @param metadata    free-form string metadata (model name, optimizer, consumed offsets, ...); keys sorted
 */
public record CheckpointInfo(long version, long step, CheckpointKind kind, Long baseVersion,
                             Map<String, String> metadata) {
    public CheckpointInfo {
        if (version < 0) {
            throw new IllegalArgumentException("CheckpointInfo.version must be >= 0, got " + version);
        }
        if (step < 0) {
            throw new IllegalArgumentException("CheckpointInfo.step must be >= 0, got " + step);
        }
        if (kind == null) {
            throw new IllegalArgumentException("CheckpointInfo.kind must not be null");
        }
        if (kind == CheckpointKind.LORA) {
            if (baseVersion == null || baseVersion < 0 || baseVersion >= version) {
                throw new IllegalArgumentException("CheckpointInfo.baseVersion of a LORA checkpoint must be in [0, "
                        + version + "), got " + baseVersion);
            }
        } else if (baseVersion != null) {
            throw new IllegalArgumentException("CheckpointInfo.baseVersion must be null for FULL, got " + baseVersion);
        }
        if (metadata == null) {
            throw new IllegalArgumentException("CheckpointInfo.metadata must not be null");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                throw new IllegalArgumentException("CheckpointInfo.metadata has a blank key or a null value: " + e);
            }
            copy.put(e.getKey(), e.getValue());
        }
        metadata = Collections.unmodifiableMap(copy);
    }

    /** A full checkpoint without metadata. */
    public static CheckpointInfo full(long version, long step) {
        return new CheckpointInfo(version, step, CheckpointKind.FULL, null, Map.of());
    }
}
