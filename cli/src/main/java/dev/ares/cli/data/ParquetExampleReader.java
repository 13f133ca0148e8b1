package dev.ares.cli.data;

import dev.ares.core.data.BadRowPolicy;
import dev.ares.core.data.DatasetFormatException;
import dev.ares.core.data.EasyR1Rows;
import dev.ares.core.data.ExampleReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;

/**
 * Streams a Parquet dataset in the EasyR1/ARES layout record by record (row groups are decoded one at a time by
 * parquet-hadoop). Each record becomes a JSON tree ({@link ParquetJson}) and then a
 * {@link dev.ares.core.data.DatasetExample} by {@link EasyR1Rows}; the row number is the 1-based record index.
 * Hugging Face image columns ({@code list<struct<bytes: binary, path: string>>}) are read as inline bytes or paths.
 * A record that does not fit the layout is a bad row (skipped or fatal by policy); a file that cannot be decoded is
 * a {@link DatasetFormatException} for the file.
 */
public final class ParquetExampleReader extends ExampleReader {

    private final ParquetReader<Group> reader;
    private long row;

    /**
     * Opens {@code file}.
     *
     * @param policy   skip or fail on malformed rows
     * @param onBadRow receives each skipped row's error
     * @throws IOException if the file is missing or not a Parquet file
     */
    public ParquetExampleReader(Path file, BadRowPolicy policy, Consumer<DatasetFormatException> onBadRow) throws IOException {
        super(file, policy, onBadRow);
        checkMagic(file);
        try {
            this.reader = new ParquetReader.Builder<Group>(new LocalInputFile(file), new PlainParquetConfiguration()) {
                @Override
                protected ReadSupport<Group> getReadSupport() {
                    return new GroupReadSupport();
                }
            }.withCodecFactory(new ParquetCodecs()).build();
        } catch (RuntimeException e) {
            throw new IOException("not a readable Parquet file: " + file + ": " + e.getMessage(), e);
        }
    }

    /** A Parquet file starts and ends with "PAR1"; anything else is rejected before any row is read. */
    private static void checkMagic(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(4);
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(4);
            if (size >= 12) {
                ch.read(head);
                ch.position(size - 4);
                ch.read(tail);
            }
            byte[] magic = "PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (size < 12 || !java.util.Arrays.equals(head.array(), magic) || !java.util.Arrays.equals(tail.array(), magic)) {
                throw new IOException("not a Parquet file (no PAR1 magic at both ends): " + file);
            }
        }
    }

    @Override
    protected RawRow nextRaw() throws IOException {
        Group g;
        try {
            g = reader.read();
        } catch (RuntimeException e) {
            throw new IOException("cannot decode record " + (row + 1) + ": " + e.getMessage(), e);
        }
        if (g == null) {
            return null;
        }
        row++;
        return new RawRow(row, ParquetJson.toJson(g), null);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
