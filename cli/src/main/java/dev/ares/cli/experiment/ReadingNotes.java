package dev.ares.cli.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the hand-written reading of an experiment across regenerations of its report. The command regenerates the
 * whole {@code <out>.md} from the stored runs; a block between {@value #BEGIN} and {@value #END} in the existing file
 * (what the numbers mean, written by whoever ran it) is carried over and placed after the title line of the new text.
 */
final class ReadingNotes {

    static final String BEGIN = "<!-- reading:begin -->";
    static final String END = "<!-- reading:end -->";

    private ReadingNotes() {
    }

    /**
     * The generated report with the reading block of {@code existing} (if the file exists and has one) inserted after
     * its first line.
     *
     * @throws IOException when the existing file cannot be read
     * @throws IllegalStateException when the existing file has a begin marker without an end marker
     */
    static String keep(Path existing, String generated) throws IOException {
        if (!Files.isRegularFile(existing)) {
            return generated;
        }
        String old = Files.readString(existing);
        int b = old.indexOf(BEGIN);
        if (b < 0) {
            return generated;
        }
        int e = old.indexOf(END, b);
        if (e < 0) {
            throw new IllegalStateException(existing + ": '" + BEGIN + "' without '" + END + "'; fix the file so the"
                    + " hand-written reading is not lost");
        }
        String block = old.substring(b, e + END.length());
        int nl = generated.indexOf('\n');
        String title = nl < 0 ? generated : generated.substring(0, nl + 1);
        String rest = nl < 0 ? "" : generated.substring(nl + 1);
        return title + "\n" + block + "\n" + rest;
    }
}
