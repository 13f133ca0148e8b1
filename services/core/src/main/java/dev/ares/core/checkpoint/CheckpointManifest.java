package dev.ares.core.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ares.core.protocol.CheckpointKind;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Content of a checkpoint's {@code MANIFEST.json} (architecture.md §4 step 5): the checkpoint's identity and
 * the SHA-256 and size of every file, sorted by path. The manifest is written last; its presence marks a complete
 * checkpoint, and the SHA-256 of its bytes is what {@code CheckpointEvent.manifestSha256} announces.
 *
 * @param formatVersion manifest format version, 1..{@link #FORMAT_VERSION}
 * @param version       checkpoint version
 * @param step          learner step
 * @param kind          FULL or LORA
 * @param baseVersion   LORA base version or {@code null}
 * @param createdAt     when the checkpoint was written
 * @param metadata      string metadata (sorted)
 * @param files         every file of the checkpoint except the manifest itself, sorted by path, unique
 */
public record CheckpointManifest(int formatVersion, long version, long step, CheckpointKind kind, Long baseVersion,
                                 Instant createdAt, Map<String, String> metadata, List<ManifestEntry> files) {
    /** The manifest format this build writes. */
    public static final int FORMAT_VERSION = 1;
    /** File name of the manifest inside a version directory. */
    public static final String FILE_NAME = "MANIFEST.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    public CheckpointManifest {
        if (formatVersion < 1 || formatVersion > FORMAT_VERSION) {
            throw new IllegalArgumentException("MANIFEST.json formatVersion " + formatVersion + " is not supported");
        }
        // Reuses CheckpointInfo's checks of version, step, kind, baseVersion and metadata.
        metadata = new CheckpointInfo(version, step, kind, baseVersion, metadata).metadata();
        if (createdAt == null) {
            throw new IllegalArgumentException("MANIFEST.json createdAt must not be null");
        }
        if (files == null) {
            throw new IllegalArgumentException("MANIFEST.json files must not be null");
        }
        List<ManifestEntry> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(ManifestEntry::path));
        Set<String> seen = new HashSet<>();
        for (ManifestEntry e : sorted) {
            if (e == null) {
                throw new IllegalArgumentException("MANIFEST.json files has a null entry");
            }
            if (!seen.add(e.path())) {
                throw new IllegalArgumentException("MANIFEST.json lists " + e.path() + " twice");
            }
            if (e.path().equals(FILE_NAME)) {
                throw new IllegalArgumentException("MANIFEST.json must not list itself");
            }
        }
        files = List.copyOf(sorted);
    }

    /** The identity part of this manifest. */
    public CheckpointInfo info() {
        return new CheckpointInfo(version, step, kind, baseVersion, metadata);
    }

    /** Total size in bytes of the listed files. */
    public long totalBytes() {
        long total = 0;
        for (ManifestEntry e : files) {
            total += e.size();
        }
        return total;
    }

    /** UTF-8 JSON bytes of this manifest. */
    public byte[] toJson() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new CheckpointException("cannot write MANIFEST.json for version " + version, e);
        }
    }

    /**
     * Parses manifest bytes.
     *
     * @throws CheckpointException naming {@code source} when the bytes are not a valid manifest
     */
    public static CheckpointManifest parse(byte[] json, String source) {
        try {
            return MAPPER.readValue(json, CheckpointManifest.class);
        } catch (IOException | IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new CheckpointException(source + " is not a valid manifest: " + root.getMessage(), e);
        }
    }
}
