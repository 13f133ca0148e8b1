package dev.ares.core.protocol;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validation helpers shared by the protocol records' compact constructors. Every failure is an
 * {@link IllegalArgumentException} whose message names the record and field ("RolloutRequest.n must be
 * >= 1, got 0"), so the codecs can turn it into {@link RecordFormatException.Reason#INVALID_FIELD}.
 */
final class Checks {
    private Checks() {
    }

    static String nonBlank(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    static String nonNull(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }

    static <T> T nonNull(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }

    static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be >= 0, got " + value);
        }
        return value;
    }

    static int atLeast(int value, int min, String field) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    static double finite(double value, String field) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be finite, got " + value);
        }
        return value;
    }

    static double inRange(double value, double min, double max, String field) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    static void schemaVersion(int version, int current, String record) {
        if (version < 1 || version > current) {
            throw new IllegalArgumentException(record + ".schemaVersion " + version
                    + " is not supported (this build knows 1.." + current + ")");
        }
    }

    /** Immutable copy of a list; rejects a null list and null elements. */
    static <T> List<T> list(List<T> values, String field) {
        if (values == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        List<T> copy = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            T v = values.get(i);
            if (v == null) {
                throw new IllegalArgumentException(field + "[" + i + "] must not be null");
            }
            copy.add(v);
        }
        return Collections.unmodifiableList(copy);
    }

    /**
     * Immutable copy of a metrics-style map, keys sorted (so encodings are deterministic); rejects null
     * or blank keys and null values. Non-finite values are allowed: a diverging loss must be reportable.
     */
    static Map<String, Double> metrics(Map<String, Double> values, String field) {
        if (values == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        TreeMap<String, Double> copy = new TreeMap<>();
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw new IllegalArgumentException(field + " has a null or blank key");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException(field + "['" + e.getKey() + "'] must not be null");
            }
            copy.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }

    /** Checks that {@code value} parses as an absolute URI (it has a scheme). */
    static String absoluteUri(String value, String field) {
        nonBlank(value, field);
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null) {
                throw new IllegalArgumentException(field + " must be an absolute URI with a scheme, got '" + value + "'");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(field + " is not a valid URI: '" + value + "' (" + e.getReason() + ")");
        }
        return value;
    }

    static void sameLength(int expected, int actual, String field, String reference) {
        if (expected != actual) {
            throw new IllegalArgumentException(field + " has length " + actual + " but " + reference
                    + " has length " + expected);
        }
    }
}
