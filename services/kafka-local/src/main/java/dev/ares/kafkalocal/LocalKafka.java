package dev.ares.kafkalocal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A real single-node Apache Kafka broker (KRaft combined mode) running as a separate JVM process
 * started from Maven-resolved jars (architecture.md §2, {@code services/kafka-local}; issue 2 item 2).
 *
 * <p>{@link #start(Options)} spawns {@code java -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
 * -cp <broker jars> dev.ares.kafkalocal.BrokerMain ...}, bound to 127.0.0.1 only, and returns once
 * an Admin {@code describeCluster} call succeeds. The child outlives the starting JVM (a CLI can
 * exit); {@link #find(Path)} finds it again through the pid and port files in its data directory.
 * {@link #stop()} signals only the process this instance started.
 */
public final class LocalKafka implements AutoCloseable {

    /** Default broker {@code message.max.bytes}: the 16 MiB of the large-record topics in topics.yaml. */
    public static final int DEFAULT_MESSAGE_MAX_BYTES = 16 * 1024 * 1024;
    /** JVM flags of the broker child. */
    public static final List<String> JVM_FLAGS =
            List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
    /** Time between SIGTERM and SIGKILL in {@link #stop()}. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private static final int LOG_TAIL_LINES = 40;
    /** Opens the lines of each start in the log file. */
    private static final String RUN_MARKER = "=== ";
    /** Kafka's SocketServer message: "Socket server failed to bind to 127.0.0.1:PORT: ...". */
    private static final Pattern BIND_FAILURE = Pattern.compile("bind to [^\\s:]+:(\\d+)");

    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path logFile;

    private LocalKafka(Process process, int port, Path dataDir, Path logFile) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.logFile = logFile;
    }

    /**
     * How to start a broker.
     *
     * @param dataDir         data directory (created if missing); holds pid/port files and partitions
     * @param port            client port on 127.0.0.1; 0 picks a free one
     * @param logFile         file the broker's stdout/stderr and logs are appended to
     * @param startTimeout    how long to wait for readiness
     * @param messageMaxBytes broker {@code message.max.bytes}/{@code replica.fetch.max.bytes}, at least
     *                        the largest topic's {@code max.message.bytes}
     * @param watchPid        0, or a process id whose exit makes the broker shut itself down cleanly
     *                        (tests pass their own pid, so a killed test JVM leaves no broker behind;
     *                        the CLI passes 0, so the broker outlives the command)
     */
    public record Options(Path dataDir, int port, Path logFile, Duration startTimeout, int messageMaxBytes, long watchPid) {

        /** Validates and makes the paths absolute. */
        public Options {
            Objects.requireNonNull(dataDir, "dataDir");
            dataDir = dataDir.toAbsolutePath().normalize();
            logFile = (logFile == null ? dataDir.resolve(BrokerFiles.DEFAULT_LOG) : logFile).toAbsolutePath().normalize();
            startTimeout = startTimeout == null ? Duration.ofSeconds(60) : startTimeout;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (pick a free one) or 1-65535, got " + port);
            }
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
            }
            if (messageMaxBytes < 1024 * 1024) {
                throw new IllegalArgumentException("messageMaxBytes must be >= 1 MiB, got " + messageMaxBytes);
            }
            if (watchPid < 0) {
                throw new IllegalArgumentException("watchPid must be 0 (none) or a process id, got " + watchPid);
            }
        }

        /** Options with the given message size limit and no watched process. */
        public Options(Path dataDir, int port, Path logFile, Duration startTimeout, int messageMaxBytes) {
            this(dataDir, port, logFile, startTimeout, messageMaxBytes, 0);
        }

        /** Options with {@link LocalKafka#DEFAULT_MESSAGE_MAX_BYTES} and no watched process. */
        public Options(Path dataDir, int port, Path logFile, Duration startTimeout) {
            this(dataDir, port, logFile, startTimeout, DEFAULT_MESSAGE_MAX_BYTES, 0);
        }

        /** Log file {@code dataDir/broker.log}, 60 s start timeout, 16 MiB messages, no watched process. */
        public static Options of(Path dataDir, int port) {
            return new Options(dataDir, port, null, null, DEFAULT_MESSAGE_MAX_BYTES, 0);
        }

        /** A copy with another message size limit (use {@link TopicsFile#largestMaxMessageBytes()}). */
        public Options withMessageMaxBytes(int bytes) {
            return new Options(dataDir, port, logFile, startTimeout, bytes, watchPid);
        }

        /** A copy with another start timeout. */
        public Options withStartTimeout(Duration timeout) {
            return new Options(dataDir, port, logFile, timeout, messageMaxBytes, watchPid);
        }

        /** A copy whose broker shuts down when process {@code pid} exits. */
        public Options withWatchPid(long pid) {
            return new Options(dataDir, port, logFile, startTimeout, messageMaxBytes, pid);
        }

        /** A copy whose broker shuts down when the calling JVM exits, however it exits. */
        public Options stopWithThisJvm() {
            return withWatchPid(ProcessHandle.current().pid());
        }
    }

    /**
     * Starts a broker and waits until it answers an Admin {@code describeCluster}.
     *
     * @param opts where and how
     * @return the running broker, owned by the caller
     * @throws PortInUseException   when {@code opts.port()} is taken (the message names the port)
     * @throws BrokerStartException when a broker already runs on this data directory, the jars are
     *                              missing, the child exits early, or readiness times out (the
     *                              message ends with the log tail)
     */
    public static LocalKafka start(Options opts) {
        Path dataDir = opts.dataDir();
        Optional<RunningBroker> existing = find(dataDir);
        if (existing.isPresent()) {
            throw new BrokerStartException("a broker already runs on data dir " + dataDir + " (pid "
                    + existing.get().pid() + ", " + existing.get().bootstrapServers() + ")");
        }
        String classpath = BrokerClasspath.asString();
        if (opts.port() != 0 && !LocalPorts.isFree(opts.port())) {
            throw new PortInUseException(opts.port(), "");
        }
        // Ports this method picks can be taken by someone else before the broker binds them; such a
        // bind failure is retried with fresh ports. A port the caller chose is never retried.
        for (int attempt = 1; ; attempt++) {
            int port = opts.port() == 0 ? LocalPorts.freePort() : opts.port();
            int controllerPort;
            do {
                controllerPort = LocalPorts.freePort();
            } while (controllerPort == port);
            try {
                return spawn(opts, classpath, port, controllerPort);
            } catch (PortInUseException e) {
                boolean ours = e.port() == controllerPort || (opts.port() == 0 && e.port() == port);
                if (!ours || attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    static LocalKafka spawn(Options opts, String classpath, int port, int controllerPort) {
        Path dataDir = opts.dataDir();
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(opts.logFile().getParent());
            BrokerFiles.clearPidAndPort(dataDir);
            Path log4j = dataDir.resolve(BrokerFiles.LOG4J_PROPERTIES);
            Files.writeString(log4j, log4jProperties());
            Files.writeString(opts.logFile(), RUN_MARKER + Instant.now() + " starting Kafka broker on 127.0.0.1:" + port
                    + " (controller " + controllerPort + "), data dir " + dataDir + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);

            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(JVM_FLAGS);
            cmd.add("-Dlog4j2.configurationFile=" + log4j);
            cmd.add("-cp");
            cmd.add(classpath);
            cmd.add(BrokerMain.class.getName());
            cmd.addAll(List.of("--data-dir", dataDir.toString(), "--port", Integer.toString(port),
                    "--controller-port", Integer.toString(controllerPort),
                    "--message-max-bytes", Integer.toString(opts.messageMaxBytes()),
                    "--watch-pid", Long.toString(opts.watchPid())));
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(dataDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(opts.logFile().toFile()))
                    .redirectErrorStream(true);
            Process process = pb.start();
            LocalKafka kafka = new LocalKafka(process, port, dataDir, opts.logFile());
            kafka.awaitReady(opts.startTimeout());
            return kafka;
        } catch (IOException e) {
            throw new BrokerStartException("cannot start the broker in " + dataDir + ": " + e, e);
        }
    }

    /**
     * A broker started earlier (possibly by another process) on {@code dataDir}, found through its pid
     * and port files. Empty when there are no such files, the process is gone, or the pid belongs to
     * a process that does not run {@link BrokerMain} on this data directory (a stale pid file).
     */
    public static Optional<RunningBroker> find(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        OptionalLong pid = BrokerFiles.readPid(dir);
        OptionalInt port = BrokerFiles.readPort(dir);
        if (pid.isEmpty() || port.isEmpty() || !BrokerProcesses.isOurBroker(pid.getAsLong(), dir)) {
            return Optional.empty();
        }
        return Optional.of(new RunningBroker(pid.getAsLong(), port.getAsInt(), dir));
    }

    /** {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The client port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Process id of the broker JVM. */
    public long pid() {
        return process.pid();
    }

    /** The absolute data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The log file. */
    public Path logFile() {
        return logFile;
    }

    /** True while the child process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops the process this instance started: SIGTERM, wait up to {@link #STOP_GRACE}, then SIGKILL.
     * Removes the pid and port files. Idempotent.
     *
     * @throws BrokerStartException if the process survives SIGKILL
     */
    public void stop() {
        if (!BrokerProcesses.terminate(process.toHandle(), STOP_GRACE)) {
            throw new BrokerStartException("broker pid " + process.pid() + " did not exit after SIGTERM and SIGKILL");
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        BrokerFiles.clearPidAndPort(dataDir);
    }

    /** {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // A TCP connect succeeds ~2 s before the broker serves requests; use it only to avoid
        // Admin reconnect noise, and decide readiness on a successful describeCluster.
        while (!LocalPorts.canConnect(port)) {
            checkAliveAndDeadline(deadline, timeout);
            sleep(100);
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        try (Admin admin = Admin.create(props)) {
            while (true) {
                checkAliveAndDeadline(deadline, timeout);
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes()
                            .get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopQuietly();
                    throw new BrokerStartException("interrupted while waiting for the broker", e);
                } catch (Exception e) {
                    sleep(200);
                }
            }
        }
    }

    private void checkAliveAndDeadline(long deadline, Duration timeout) {
        if (!process.isAlive()) {
            String run = LogTail.lastRun(logFile, RUN_MARKER);
            String tail = LogTail.of(logFile, LOG_TAIL_LINES);
            String first = LogTail.firstError(run);
            String where = "; log " + logFile + (first == null ? "" : " reports first: " + first)
                    + System.lineSeparator() + "and ends with:" + System.lineSeparator() + tail;
            if (run.contains("Address already in use") || run.contains("BindException")) {
                Matcher m = BIND_FAILURE.matcher(run);
                int taken = m.find() ? Integer.parseInt(m.group(1)) : port;
                throw new PortInUseException(taken, "the broker could not bind it" + where);
            }
            throw new BrokerStartException("the broker exited with code " + process.exitValue()
                    + " before it was ready" + where);
        }
        if (System.nanoTime() > deadline) {
            stopQuietly();
            throw new BrokerStartException("the broker (pid " + process.pid() + ") on 127.0.0.1:" + port
                    + " was not ready within " + timeout.toMillis() + " ms (stopped it); log " + logFile + " ends with:"
                    + System.lineSeparator() + LogTail.of(logFile, LOG_TAIL_LINES));
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException ignored) {
            // the original failure is what the caller needs to see
        }
    }

    private static String log4jProperties() {
        return String.join(System.lineSeparator(),
                "# Written by dev.ares.kafkalocal.LocalKafka: console only; stdout is appended to the log file.",
                "status = warn",
                "shutdownHook = disable",
                "appender.out.type = Console",
                "appender.out.name = OUT",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d{ISO8601}] %p %m (%c)%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.out.ref = OUT",
                "logger.statechange.name = state.change.logger",
                "logger.statechange.level = WARN",
                "logger.requestlog.name = kafka.request.logger",
                "logger.requestlog.level = WARN",
                "");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
