package dev.ares.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A streaming reader of a problem dataset: rows are read and converted one at a time ({@link #hasNext()} reads ahead
 * by one row), so memory does not grow with the file. A malformed row is handled by the {@link BadRowPolicy}: skipped
 * and reported to the listener, or thrown as {@link DatasetFormatException}. A file that cannot be read at all is
 * always an error.
 *
 * <p>Subclasses supply raw rows as JSON trees; {@link EasyR1Rows} turns them into examples.
 */
public abstract class ExampleReader implements Iterator<DatasetExample>, Closeable {

    /**
     * A raw row: its 1-based number and tree, or the error that made it unreadable.
     *
     * @param row   1-based row number
     * @param node  the row as a JSON tree, or {@code null} when {@code error} is set
     * @param error why the row could not be parsed, or {@code null}
     */
    public record RawRow(long row, JsonNode node, DatasetFormatException error) {
    }

    private final Path file;
    private final BadRowPolicy policy;
    private final Consumer<DatasetFormatException> onBadRow;
    private DatasetExample pending;
    private boolean finished;
    private long skipped;

    /**
     * @param file     the dataset file (named in errors)
     * @param policy   skip or fail on malformed rows
     * @param onBadRow receives every skipped row's error (may be a no-op)
     */
    protected ExampleReader(Path file, BadRowPolicy policy, Consumer<DatasetFormatException> onBadRow) {
        this.file = Objects.requireNonNull(file, "file");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.onBadRow = Objects.requireNonNull(onBadRow, "onBadRow");
    }

    /** The next raw row, or {@code null} at the end of the file; I/O failures of the file itself are thrown. */
    protected abstract RawRow nextRaw() throws IOException;

    /** The dataset file. */
    public Path file() {
        return file;
    }

    /** Number of rows skipped so far under {@link BadRowPolicy#SKIP}. */
    public long skippedRows() {
        return skipped;
    }

    @Override
    public boolean hasNext() {
        while (pending == null && !finished) {
            RawRow raw;
            try {
                raw = nextRaw();
            } catch (IOException e) {
                throw new DatasetFormatException(file, 0, null, "read failed: " + e, e);
            }
            if (raw == null) {
                finished = true;
                break;
            }
            try {
                if (raw.error() != null) {
                    throw raw.error();
                }
                pending = EasyR1Rows.toExample(raw.node(), file, raw.row());
            } catch (DatasetFormatException e) {
                if (policy == BadRowPolicy.FAIL) {
                    throw e;
                }
                skipped++;
                onBadRow.accept(e);
            }
        }
        return pending != null;
    }

    @Override
    public DatasetExample next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more rows in " + file);
        }
        DatasetExample e = pending;
        pending = null;
        return e;
    }
}
