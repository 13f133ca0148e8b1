package dev.ares.cli.data;

import dev.ares.core.data.BadRowPolicy;
import dev.ares.core.data.DatasetFormatException;
import dev.ares.core.data.ExampleReader;
import dev.ares.core.data.JsonlExampleReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/** Opens a problem dataset by its file name: {@code .jsonl} / {@code .json} lines, or {@code .parquet}. */
public final class DatasetFiles {

    private DatasetFiles() {
    }

    /**
     * A streaming reader of {@code file}.
     *
     * @param policy   skip or fail on malformed rows
     * @param onBadRow receives each skipped row's error
     * @throws IOException if the file cannot be opened
     * @throws DatasetFormatException (row 0) if the extension is neither .jsonl, .json nor .parquet
     */
    public static ExampleReader open(Path file, BadRowPolicy policy, Consumer<DatasetFormatException> onBadRow)
            throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return new JsonlExampleReader(file, policy, onBadRow);
        }
        if (name.endsWith(".parquet")) {
            return new ParquetExampleReader(file, policy, onBadRow);
        }
        throw new DatasetFormatException(file, 0, null, "unknown dataset type: expected .jsonl, .json or .parquet", null);
    }
}
