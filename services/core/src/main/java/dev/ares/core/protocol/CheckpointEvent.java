package dev.ares.core.protocol;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Announces a complete checkpoint; topic {@code ares.checkpoints} (compacted), key = model name
 * (architecture.md §3). Encoded as JSON by {@link Codecs#checkpointEvent()}.
 *
 * @param schemaVersion  schema version of this record, 1..{@link #SCHEMA_VERSION}
 * @param modelName      name of the trained model; non-blank
 * @param version        checkpoint version (monotonically increasing), {@code >= 0}
 * @param step           learner step that produced it, {@code >= 0}
 * @param uri            absolute URI of the checkpoint directory (e.g. {@code file:///data/ckpt/v000012/})
 * @param kind           {@link CheckpointKind#FULL} or {@link CheckpointKind#LORA}
 * @param baseVersion    version of the full checkpoint a LoRA adapter applies to; required for LORA
 *                       ({@code < version}), {@code null} for FULL
 * @param manifestSha256 SHA-256 of the checkpoint's {@code MANIFEST.json}, 64 lowercase hex digits; readers verify
 *                       it before loading
 * @param metrics        metrics at checkpoint time (keys sorted; non-finite values allowed)
 */
public record CheckpointEvent(int schemaVersion, String modelName, long version, long step, String uri,
                              CheckpointKind kind, Long baseVersion, String manifestSha256,
                              Map<String, Double> metrics) {
    /** The schema version this build writes. */
    public static final int SCHEMA_VERSION = 1;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public CheckpointEvent {
        Checks.schemaVersion(schemaVersion, SCHEMA_VERSION, "CheckpointEvent");
        Checks.nonBlank(modelName, "CheckpointEvent.modelName");
        Checks.nonNegative(version, "CheckpointEvent.version");
        Checks.nonNegative(step, "CheckpointEvent.step");
        Checks.absoluteUri(uri, "CheckpointEvent.uri");
        Checks.nonNull(kind, "CheckpointEvent.kind");
        if (kind == CheckpointKind.LORA) {
            if (baseVersion == null) {
                throw new IllegalArgumentException("CheckpointEvent.baseVersion is required for a LORA checkpoint");
            }
            if (baseVersion < 0 || baseVersion >= version) {
                throw new IllegalArgumentException("CheckpointEvent.baseVersion must be in [0, version = " + version
                        + "), got " + baseVersion);
            }
        } else if (baseVersion != null) {
            throw new IllegalArgumentException("CheckpointEvent.baseVersion must be null for a FULL checkpoint, got "
                    + baseVersion);
        }
        Checks.nonNull(manifestSha256, "CheckpointEvent.manifestSha256");
        if (!SHA256_HEX.matcher(manifestSha256).matches()) {
            throw new IllegalArgumentException("CheckpointEvent.manifestSha256 must be 64 lowercase hex digits, got '"
                    + manifestSha256 + "'");
        }
        metrics = Checks.metrics(metrics, "CheckpointEvent.metrics");
    }

    /** Creates an event of the current {@link #SCHEMA_VERSION}. */
    public CheckpointEvent(String modelName, long version, long step, String uri, CheckpointKind kind,
                           Long baseVersion, String manifestSha256, Map<String, Double> metrics) {
        this(SCHEMA_VERSION, modelName, version, step, uri, kind, baseVersion, manifestSha256, metrics);
    }
}
