package dev.ares.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content-addressed image store behind {@code Prompt.imageRefs} (architecture.md §3: images travel by
 * reference, never as bytes in a record). {@link #put} stores bytes as {@code <root>/sha256/<hex>} and returns the
 * reference {@code blob:sha256:<hex>}; {@link #read} resolves a reference through {@link ImageRefs} (so it stays
 * inside the root) and, for a blob reference, checks that the file still hashes to its name.
 */
public final class ImageBlobs {
    private static final String PREFIX = "blob:sha256:";

    private ImageBlobs() {
    }

    /** The reference of {@code bytes}: {@code blob:sha256:} and the lowercase hex SHA-256 of the bytes. */
    public static String refOf(byte[] bytes) {
        return PREFIX + sha256(bytes);
    }

    /**
     * Stores {@code bytes} under {@code root} (idempotent: equal content is written once; a write goes to a
     * temporary sibling first and is renamed, so a reader never sees a partial file).
     *
     * @return the reference, {@link #refOf(byte[])}
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static String put(Path root, byte[] bytes) {
        String ref = refOf(bytes);
        Path file = ImageRefs.resolve(root, ref, "image blob");
        if (Files.isRegularFile(file)) {
            return ref;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return ref;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write image blob " + file, e);
        }
    }

    /**
     * Reads the image a reference names.
     *
     * @param field where the reference came from (e.g. {@code Prompt.imageRefs[0]}), for error messages
     * @throws PathRefusedException when the reference is malformed or leaves the root
     * @throws IllegalStateException when a blob's content no longer matches its hash (naming the file)
     * @throws UncheckedIOException  naming the file when it cannot be read
     */
    public static byte[] read(Path root, String ref, String field) {
        Path file = ImageRefs.resolve(root, ref, field);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(field + ": cannot read image " + file + " (" + ref + ")", e);
        }
        if (ref.startsWith(PREFIX) && !ref.equals(refOf(bytes))) {
            throw new IllegalStateException(field + ": " + file + " does not hash to its name " + ref);
        }
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
