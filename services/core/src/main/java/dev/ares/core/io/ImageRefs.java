package dev.ares.core.io;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Resolves the image references of a {@code RolloutRequest} prompt ({@code Prompt.imageRefs}, architecture.md §3)
 * to files under the configured blob root ({@code ares.blobs.root}), through {@link ConfinedPath}:
 * <ul>
 *   <li>{@code blob:sha256:<64 lowercase hex>} names the content-addressed file {@code <root>/sha256/<hex>};</li>
 *   <li>{@code file:} URIs and absolute paths must lie inside the root;</li>
 *   <li>every other scheme (remote URLs included) is refused here: fetching remote images is the inference
 *       service's allow-listed path, never a rollout record's.</li>
 * </ul>
 */
public final class ImageRefs {
    private static final Pattern BLOB = Pattern.compile("blob:sha256:([0-9a-f]{64})");

    private ImageRefs() {
    }

    /**
     * @param blobsRoot the configured blob root
     * @param ref       one image reference of a prompt
     * @param field     where it came from (e.g. {@code Prompt.imageRefs[0]})
     * @return the file it names, inside {@code blobsRoot}
     * @throws PathRefusedException when the reference is malformed or leaves the root
     */
    public static Path resolve(Path blobsRoot, String ref, String field) {
        if (ref != null && ref.startsWith("blob:")) {
            var m = BLOB.matcher(ref);
            if (!m.matches()) {
                throw new PathRefusedException(field, ref, blobsRoot.toAbsolutePath().normalize(),
                        "a blob reference must be blob:sha256:<64 lowercase hex digits>");
            }
            return ConfinedPath.relative(blobsRoot, "sha256/" + m.group(1), field);
        }
        return ConfinedPath.absolute(blobsRoot, ref, field);
    }
}
