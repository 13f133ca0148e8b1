package dev.ares.core.io;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The one place where a file reference that arrives from outside (a checkpoint URI in a {@code CheckpointEvent},
 * an image reference in a {@code RolloutRequest} prompt, an image path in a dataset row) becomes a {@link Path}
 * (issue 10, security item 3; reliability contract §2 item 3). Every reference is confined to a root the operator
 * configured:
 * <ul>
 *   <li>{@link #relative}: the reference must be a relative, '/'-separated path: absolute paths, drive letters,
 *       {@code ..} segments, backslashes, NUL and empty references are refused;</li>
 *   <li>{@link #absolute}: the reference is a {@code file:} URI or an absolute path (checkpoint URIs are absolute
 *       by the protocol); other schemes, {@code ..} segments (raw or percent-encoded) and anything outside the root
 *       are refused;</li>
 * </ul>
 * and in both cases the result is checked again after symbolic links are resolved (the longest existing prefix
 * is resolved with {@link Path#toRealPath}), so a link planted inside the root cannot lead out of it. Refusals are
 * {@link PathRefusedException}s naming the field, the reference and the root. Stateless and thread-safe.
 */
public final class ConfinedPath {
    private ConfinedPath() {
    }

    /**
     * Resolves a relative reference inside {@code root}.
     *
     * @param root      the configured root (need not exist yet)
     * @param reference a relative '/'-separated path, e.g. {@code images/p1.png}
     * @param field     where the reference came from, for the error message
     * @return the absolute, normalised path inside {@code root}
     * @throws PathRefusedException when the reference is empty, absolute, has a {@code ..} segment or escapes
     */
    public static Path relative(Path root, String reference, String field) {
        Path base = base(root);
        if (reference == null || reference.isEmpty()) {
            throw new PathRefusedException(field, String.valueOf(reference), base, "it is empty");
        }
        if (reference.indexOf('\0') >= 0 || reference.indexOf('\\') >= 0) {
            throw new PathRefusedException(field, reference, base, "it contains NUL or a backslash");
        }
        if (reference.startsWith("/") || reference.startsWith("~") || hasScheme(reference)) {
            throw new PathRefusedException(field, reference, base, "absolute paths and URIs are not allowed here");
        }
        checkSegments(field, reference, base, reference);
        Path resolved;
        try {
            resolved = base.resolve(reference).normalize();
        } catch (InvalidPathException e) {
            throw new PathRefusedException(field, reference, base, "it is not a valid path: " + e.getReason());
        }
        return inside(field, reference, base, resolved);
    }

    /**
     * Resolves an absolute reference ({@code file:} URI or absolute path) that must lie inside {@code root}.
     *
     * @param root      the configured root
     * @param reference e.g. {@code file:///data/ckpt/v000012/} or {@code /data/ckpt/v000012}
     * @param field     where the reference came from, for the error message
     * @return the absolute, normalised path inside {@code root}
     * @throws PathRefusedException when the reference uses another scheme, is relative, has a {@code ..} segment,
     *                              or lies outside the root
     */
    public static Path absolute(Path root, String reference, String field) {
        Path base = base(root);
        if (reference == null || reference.isEmpty()) {
            throw new PathRefusedException(field, String.valueOf(reference), base, "it is empty");
        }
        if (reference.indexOf('\0') >= 0 || reference.indexOf('\\') >= 0) {
            throw new PathRefusedException(field, reference, base, "it contains NUL or a backslash");
        }
        String pathPart;
        if (hasScheme(reference)) {
            URI uri;
            try {
                uri = new URI(reference);
            } catch (URISyntaxException e) {
                throw new PathRefusedException(field, reference, base, "it is not a valid URI: " + e.getReason());
            }
            if (!"file".equalsIgnoreCase(uri.getScheme())) {
                throw new PathRefusedException(field, reference, base, "only file: URIs are allowed, got scheme "
                        + uri.getScheme());
            }
            if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()
                    && !"localhost".equalsIgnoreCase(uri.getRawAuthority())) {
                throw new PathRefusedException(field, reference, base, "file: URIs must not name a host");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new PathRefusedException(field, reference, base, "file: URIs must not have a query or fragment");
            }
            pathPart = uri.getPath();
            if (pathPart == null || !pathPart.startsWith("/")) {
                throw new PathRefusedException(field, reference, base, "the file: URI has no absolute path");
            }
        } else {
            pathPart = reference;
            if (!pathPart.startsWith("/")) {
                throw new PathRefusedException(field, reference, base, "an absolute path or file: URI is required");
            }
        }
        // Checked on the decoded path: %2e%2e is a '..' segment too.
        checkSegments(field, reference, base, pathPart);
        Path resolved;
        try {
            resolved = Path.of(pathPart).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new PathRefusedException(field, reference, base, "it is not a valid path: " + e.getReason());
        }
        return inside(field, reference, base, resolved);
    }

    private static Path base(Path root) {
        Objects.requireNonNull(root, "root");
        Path abs = root.toAbsolutePath().normalize();
        try {
            return Files.exists(abs) ? abs.toRealPath() : abs;
        } catch (IOException e) {
            return abs;
        }
    }

    private static boolean hasScheme(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        return scheme.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-'
                || c == '.') && Character.isLetter(scheme.charAt(0));
    }

    private static void checkSegments(String field, String reference, Path base, String path) {
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                throw new PathRefusedException(field, reference, base, "'..' segments are not allowed");
            }
        }
    }

    private static Path inside(String field, String reference, Path base, Path resolved) {
        // The reference may spell the root as configured (through a symbolic link) or as its real path.
        if (!resolved.startsWith(base) && !realOfExistingPrefix(resolved).startsWith(base)) {
            throw new PathRefusedException(field, reference, base, "it lies outside the root");
        }
        Path real = realOfExistingPrefix(resolved);
        if (!real.startsWith(base)) {
            throw new PathRefusedException(field, reference, base, "it leads outside the root through a symbolic link ("
                    + real + ")");
        }
        return resolved;
    }

    /** The real path of the longest existing prefix of {@code p}, with the rest appended unchanged. */
    private static Path realOfExistingPrefix(Path p) {
        Path existing = p;
        Path rest = null;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            Path name = existing.getFileName();
            rest = rest == null ? name : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            Path real = existing.toRealPath();
            return rest == null ? real : real.resolve(rest).normalize();
        } catch (IOException e) {
            // A dangling link or an unreadable directory: judge the link target itself, never follow blindly.
            try {
                Path target = Files.isSymbolicLink(existing) ? existing.resolveSibling(Files.readSymbolicLink(existing))
                        .toAbsolutePath().normalize() : existing;
                return rest == null ? target : target.resolve(rest).normalize();
            } catch (IOException e2) {
                return p;
            }
        }
    }
}
