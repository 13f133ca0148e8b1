package dev.ares.core.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One row of a problem dataset in the EasyR1/ARES layout.
 *
 * @param file   the dataset file it came from
 * @param row    1-based row number (JSONL line, Parquet record)
 * @param id     the row's {@code id} field, or {@code <file name>:<row>} when it has none
 * @param prompt the question: field {@code problem}, else {@code prompt} (a string, or a list of chat messages whose
 *               last user turn is taken); image positions are marked with {@code <image>} as in EasyR1
 * @param answer the reference answer (field {@code answer}; numbers become their decimal text)
 * @param images the images of field {@code images}, in order (empty when absent)
 * @param source field {@code source} or {@code data_source}, or {@code null}
 */
public record DatasetExample(Path file, long row, String id, String prompt, String answer, List<DatasetImage> images,
                             String source) {
    /** Requires prompt and answer; copies the image list. */
    public DatasetExample {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
        images = List.copyOf(images);
    }
}
