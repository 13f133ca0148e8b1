package dev.ares.core.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An image of a dataset row, loaded into memory.
 *
 * @param bytes the encoded image file (PNG, JPEG, GIF, WebP or BMP)
 * @param mime  MIME type sniffed from the leading bytes, e.g. {@code "image/png"}
 * @param path  the path the row named (resolved against the dataset file's folder), or {@code null} for inline bytes
 */
public record DatasetImage(byte[] bytes, String mime, String path) {

    /** Requires bytes and a MIME type. */
    public DatasetImage {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(mime, "mime");
    }

    /**
     * The MIME type of an encoded image from its magic number, or {@code null} when it is none of PNG, JPEG, GIF,
     * WebP, BMP.
     */
    public static String sniffMime(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "image/jpeg";
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return "image/gif";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E'
                && b[10] == 'B' && b[11] == 'P') {
            return "image/webp";
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return "image/bmp";
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetImage d && Arrays.equals(bytes, d.bytes) && mime.equals(d.mime) && Objects.equals(path, d.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(bytes), mime, path);
    }

    @Override
    public String toString() {
        return "DatasetImage[" + bytes.length + " B " + mime + (path != null ? " " + path : "") + "]";
    }
}
