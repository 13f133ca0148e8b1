package dev.ares.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ares.core.protocol.RecordFormatException.Reason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A {@link RecordCodec} for the small control records: UTF-8 JSON of the record's components, with
 * {@code schemaVersion} as the first property. Decoding reads the version first (unknown -> UNKNOWN_VERSION),
 * then binds strictly: unknown, missing or duplicate properties, nulls for primitives, trailing data and numbers
 * for enums are all rejected. Instants are ISO-8601 strings, byte arrays base64, non-finite doubles the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 *
 * @param <T> record type
 */
final class JsonRecordCodec<T> implements RecordCodec<T> {
    /** Largest JSON control record accepted by decode. */
    static final int MAX_ENCODED_BYTES = 16 * 1024 * 1024;

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Class<T> type;
    private final String recordName;
    private final int currentVersion;

    JsonRecordCodec(Class<T> type, int currentVersion) {
        this.type = type;
        this.recordName = type.getSimpleName();
        this.currentVersion = currentVersion;
    }

    @Override
    public byte[] encode(T value) {
        Objects.requireNonNull(value, recordName + " to encode");
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + recordName + " as JSON", e);
        }
    }

    @Override
    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "bytes are null");
        }
        if (bytes.length == 0) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "bytes are empty");
        }
        if (bytes.length > MAX_ENCODED_BYTES) {
            throw new RecordFormatException(Reason.TOO_LARGE, recordName, bytes.length
                    + " bytes exceed the limit of " + MAX_ENCODED_BYTES);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException j
                    ? j.getOriginalMessage() + (j.getLocation() == null ? ""
                    : " at byte " + j.getLocation().getByteOffset())
                    : e.getMessage();
            throw new RecordFormatException(Reason.MALFORMED, recordName, "not valid JSON: " + detail, e);
        }
        if (tree == null || !tree.isObject()) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, "expected a JSON object, got "
                    + (tree == null ? "nothing" : tree.getNodeType()));
        }
        JsonNode version = tree.get("schemaVersion");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt()) {
            throw new RecordFormatException(Reason.MALFORMED, recordName,
                    "schemaVersion is missing or not an integer: " + version);
        }
        int v = version.intValue();
        if (v < 1 || v > currentVersion) {
            throw new RecordFormatException(Reason.UNKNOWN_VERSION, recordName, "schema version " + v
                    + " is unknown (this build reads 1.." + currentVersion + ")");
        }
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (DatabindException e) {
            throw new RecordFormatException(Reason.INVALID_FIELD, recordName, rootMessage(e), e);
        } catch (JsonProcessingException e) {
            throw new RecordFormatException(Reason.MALFORMED, recordName, e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException(Reason.INVALID_FIELD, recordName, rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String path = e instanceof com.fasterxml.jackson.databind.JsonMappingException m ? " at " + m.getPathReference() : "";
        String msg = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
        return msg + path;
    }
}
