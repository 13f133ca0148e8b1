package dev.ares.core.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Streams a JSONL dataset in the EasyR1/ARES layout ({@link EasyR1Rows}) line by line. The row number is the line
 * number; blank lines are ignored; a line that is not JSON is a bad row.
 */
public final class JsonlExampleReader extends ExampleReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedReader in;
    private long line;

    /**
     * Opens {@code file}.
     *
     * @param policy   skip or fail on malformed rows
     * @param onBadRow receives each skipped row's error
     * @throws IOException if the file cannot be opened
     */
    public JsonlExampleReader(Path file, BadRowPolicy policy, Consumer<DatasetFormatException> onBadRow) throws IOException {
        super(file, policy, onBadRow);
        this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }

    @Override
    protected RawRow nextRaw() throws IOException {
        String text;
        do {
            text = in.readLine();
            if (text == null) {
                return null;
            }
            line++;
        } while (text.isBlank());
        try {
            return new RawRow(line, JSON.readTree(text), null);
        } catch (JsonProcessingException e) {
            return new RawRow(line, null, new DatasetFormatException(file(), line, null, "not JSON: " + e.getOriginalMessage(), e));
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
