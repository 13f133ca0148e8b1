package dev.ares.kafkalocal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** The end of a (possibly large) log file, for error messages. */
public final class LogTail {

    private static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_RUN_BYTES = 4 * 1024 * 1024;

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

    /**
     * The part of the log written since the last line starting with {@code marker} (the whole of the
     * file's last 4 MiB when there is no such line).
     *
     * @param logFile a text file
     * @param marker  start of the line that opens a run, e.g. {@code "=== "}
     * @return that text, or an empty string when the file cannot be read
     */
    public static String lastRun(Path logFile, String marker) {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, MAX_RUN_BYTES);
            byte[] buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
            String text = new String(buf, StandardCharsets.UTF_8);
            int at = text.lastIndexOf("\n" + marker);
            return at < 0 ? text : text.substring(at + 1);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The first line of {@code text} that reports an error: a log line at ERROR level or a Java
     * exception line ({@code ...Exception: ...} or {@code Exception in thread ...}).
     *
     * @return the line, or null when there is none
     */
    public static String firstError(String text) {
        for (String line : text.split("\r?\n")) {
            if (line.contains("] ERROR ") || line.startsWith("Exception in thread")
                    || line.matches("^[\\w.$]+(Exception|Error): .*")) {
                return line.strip();
            }
        }
        return null;
    }
}
