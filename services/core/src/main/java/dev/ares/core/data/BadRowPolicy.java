package dev.ares.core.data;

/** What a dataset reader does with a malformed row. */
public enum BadRowPolicy {
    /** Report the row (file, row number, field, reason) to the listener and continue with the next row. */
    SKIP,
    /** Throw {@link DatasetFormatException} naming the file, row number and field. */
    FAIL
}
