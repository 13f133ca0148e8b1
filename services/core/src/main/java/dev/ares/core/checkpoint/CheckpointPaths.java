package dev.ares.core.checkpoint;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names inside a checkpoint store and their confinement rules: version directories are {@code v} followed by
 * at least six digits ({@code v000012}); file names are relative '/'-separated paths whose segments are not
 * empty, {@code .} or {@code ..}, contain no backslash or NUL, and do not start with the store's reserved
 * prefix {@code .tmp-}; they can never escape the version directory.
 */
public final class CheckpointPaths {
    private static final Pattern VERSION_DIR = Pattern.compile("v(\\d{6,19})");
    /** Prefix of the temporary directories a write uses before its atomic rename. */
    static final String TEMP_PREFIX = ".tmp-";

    private CheckpointPaths() {
    }

    /** Directory name of {@code version}, e.g. {@code v000012}. */
    public static String dirName(long version) {
        if (version < 0) {
            throw new IllegalArgumentException("checkpoint version must be >= 0, got " + version);
        }
        return String.format("v%06d", version);
    }

    /** The version a directory name denotes, or -1 if it is not the canonical name of a version. */
    public static long parseDirName(String name) {
        Matcher m = VERSION_DIR.matcher(name);
        if (!m.matches()) {
            return -1;
        }
        try {
            long v = Long.parseLong(m.group(1));
            return dirName(v).equals(name) ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Checks a relative file name.
     *
     * @throws IllegalArgumentException naming the path when it is absolute, empty, or could escape
     */
    public static String checkRelative(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("checkpoint file name must not be empty");
        }
        if (path.startsWith("/") || path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0 || path.contains(":")) {
            throw new IllegalArgumentException("checkpoint file name '" + path
                    + "' must be a relative '/'-separated path without '\\', ':' or NUL");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("checkpoint file name '" + path
                        + "' has an empty, '.' or '..' segment");
            }
        }
        if (path.startsWith(TEMP_PREFIX)) {
            throw new IllegalArgumentException("checkpoint file name '" + path + "' uses the reserved prefix "
                    + TEMP_PREFIX);
        }
        return path;
    }

    /** Resolves a checked relative name inside {@code dir}, verifying the result stays inside it. */
    static Path resolveInside(Path dir, String relative) {
        checkRelative(relative);
        Path base = dir.toAbsolutePath().normalize();
        Path resolved = base.resolve(relative).normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw new IllegalArgumentException("checkpoint file name '" + relative + "' escapes " + base);
        }
        return resolved;
    }

    /** The '/'-separated name of {@code file} relative to {@code dir}. */
    static String relativeName(Path dir, Path file) {
        Path rel = dir.relativize(file);
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
