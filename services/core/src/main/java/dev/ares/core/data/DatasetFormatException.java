package dev.ares.core.data;

import java.nio.file.Path;

/**
 * A malformed row or file of a dataset: names the file, the 1-based row number (0 for the file as a whole), and the
 * field when one is to blame.
 */
public class DatasetFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long row;
    private final String field;

    /**
     * @param file   the dataset file
     * @param row    1-based row (line for JSONL, record for Parquet); 0 when the whole file is at fault
     * @param field  the offending field, or {@code null}
     * @param detail what is wrong
     * @param cause  underlying error, or {@code null}
     */
    public DatasetFormatException(Path file, long row, String field, String detail, Throwable cause) {
        super(file + (row > 0 ? ":" + row : "") + (field != null ? " field '" + field + "'" : "") + ": " + detail, cause);
        this.file = file;
        this.row = row;
        this.field = field;
    }

    /** The dataset file. */
    public Path file() {
        return file;
    }

    /** 1-based row number, 0 for whole-file errors. */
    public long row() {
        return row;
    }

    /** The offending field, or {@code null}. */
    public String field() {
        return field;
    }
}
