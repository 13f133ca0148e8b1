package dev.ares.kafkalocal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Layout of a local broker's data directory:
 * <pre>
 * DATA/broker.pid         pid of the broker JVM (decimal), written by {@link BrokerMain}
 * DATA/broker.port        client port on 127.0.0.1 (decimal), written by {@link BrokerMain}
 * DATA/server.properties  the broker configuration
 * DATA/log4j2.properties  the broker's logging configuration (console; stdout goes to the log file)
 * DATA/kraft-logs/        Kafka log.dirs (partitions and the KRaft metadata log)
 * DATA/broker.log         default log file
 * </pre>
 */
public final class BrokerFiles {

    /** pid file name. */
    public static final String PID_FILE = "broker.pid";
    /** port file name. */
    public static final String PORT_FILE = "broker.port";
    /** server config file name. */
    public static final String SERVER_PROPERTIES = "server.properties";
    /** log4j2 config file name. */
    public static final String LOG4J_PROPERTIES = "log4j2.properties";
    /** Kafka log.dirs directory name. */
    public static final String LOG_DIRS = "kraft-logs";
    /** default log file name. */
    public static final String DEFAULT_LOG = "broker.log";

    private BrokerFiles() {
    }

    /** The pid recorded in {@code dataDir}, if the file exists and holds a number. */
    public static OptionalLong readPid(Path dataDir) {
        String s = readSmall(dataDir.resolve(PID_FILE));
        try {
            return s == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The port recorded in {@code dataDir}, if the file exists and holds a number. */
    public static OptionalInt readPort(Path dataDir) {
        String s = readSmall(dataDir.resolve(PORT_FILE));
        try {
            return s == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Writes {@code text} to {@code file} through a temporary file and an atomic rename. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes the pid and port files (the broker is gone). */
    static void clearPidAndPort(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(PID_FILE));
            Files.deleteIfExists(dataDir.resolve(PORT_FILE));
        } catch (IOException e) {
            throw new BrokerStartException("cannot remove pid/port files in " + dataDir + ": " + e, e);
        }
    }

    private static String readSmall(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
