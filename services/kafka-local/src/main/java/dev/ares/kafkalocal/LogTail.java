package dev.ares.kafkalocal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** The end of a (possibly large) log file, for error messages. */
public final class LogTail {

    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    /**
     * @param logFile a text file
     * @param lines   how many lines at most
     * @return the last {@code lines} lines among the file's last 64 KiB, or a note that it is unreadable
     */
    public static String of(Path logFile, int lines) {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, MAX_BYTES);
            byte[] buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\r?\n");
            int from = Math.max(0, all.length - lines);
            return String.join(System.lineSeparator(), Arrays.copyOfRange(all, from, all.length));
        } catch (IOException e) {
            return "(log " + logFile + " unreadable: " + e + ")";
        }
    }
}
