package dev.ares.core.io;

import java.nio.file.Path;

/**
 * A file reference taken from a request, a record or a dataset row was refused because it could leave its
 * configured root (issue 10, security item 3): it is absolute where a relative path is required, has a {@code ..}
 * segment, uses a scheme other than {@code file:}, or resolves (through a symbolic link) outside the root.
 * Extends {@link IllegalArgumentException} so every consumer that dead-letters invalid input dead-letters it too.
 */
public final class PathRefusedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reference;
    private final transient Path root;

    /**
     * @param field     the field the reference came from (e.g. {@code CheckpointEvent.uri}, {@code images[0]})
     * @param reference the reference as received
     * @param root      the root it must stay inside
     * @param why       what is wrong with it
     */
    public PathRefusedException(String field, String reference, Path root, String why) {
        super(field + " '" + reference + "' is refused: " + why + " (confined to " + root + ")");
        this.field = field;
        this.reference = reference;
        this.root = root;
    }

    /** The field the reference came from. */
    public String field() {
        return field;
    }

    /** The reference as received. */
    public String reference() {
        return reference;
    }

    /** The root it had to stay inside. */
    public Path root() {
        return root;
    }
}
