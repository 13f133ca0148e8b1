package dev.ares.kafkalocal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * Entry point of the broker child JVM started by {@link LocalKafka}; not meant to be run by hand.
 *
 * <p>Arguments: {@code --data-dir DIR --port N --controller-port M --message-max-bytes B
 * [--watch-pid P]}; with a non-zero P the broker shuts itself down cleanly when process P exits. It writes
 * {@code server.properties} for a single-node KRaft broker in combined mode (process.roles
 * broker,controller; both listeners on 127.0.0.1; replication 1 for internal topics), formats
 * {@code DIR/kraft-logs} in this JVM with {@code kafka.tools.StorageTool} (only when it has no
 * {@code meta.properties} yet, so a restart keeps its cluster id and topics), writes {@code broker.pid} and {@code broker.port}, and
 * runs {@code kafka.Kafka}, which stops cleanly on SIGTERM. Logging goes to stdout, which the parent
 * redirects to the log file.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    /**
     * @param args see the class documentation
     * @throws Exception on any failure; the JVM then exits non-zero and the parent reports the log tail
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = parseArgs(args);
        Path dataDir = Path.of(require(a, "--data-dir")).toAbsolutePath();
        int port = Integer.parseInt(require(a, "--port"));
        int controllerPort = Integer.parseInt(require(a, "--controller-port"));
        int messageMaxBytes = Integer.parseInt(require(a, "--message-max-bytes"));
        long watchPid = Long.parseLong(a.getOrDefault("--watch-pid", "0"));

        Path config = dataDir.resolve(BrokerFiles.SERVER_PROPERTIES);
        Files.writeString(config, serverProperties(dataDir, port, controllerPort, messageMaxBytes));
        if (Files.exists(dataDir.resolve(BrokerFiles.LOG_DIRS).resolve("meta.properties"))) {
            System.out.println("BrokerMain: " + dataDir.resolve(BrokerFiles.LOG_DIRS) + " is already formatted; keeping it");
        } else {
            format(config);
        }
        BrokerFiles.writeAtomically(dataDir.resolve(BrokerFiles.PID_FILE), Long.toString(ProcessHandle.current().pid()));
        BrokerFiles.writeAtomically(dataDir.resolve(BrokerFiles.PORT_FILE), Integer.toString(port));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> clearOwnPidFile(dataDir), "ares-broker-pidfile"));
        if (watchPid > 0) {
            watch(watchPid);
        }
        kafka.Kafka.main(new String[] {config.toString()});
    }

    /**
     * The broker configuration (Kafka {@code server.properties} syntax).
     *
     * @param dataDir         absolute data directory; partitions go to {@code dataDir/kraft-logs}
     * @param port            client listener port on 127.0.0.1
     * @param controllerPort  KRaft controller listener port on 127.0.0.1
     * @param messageMaxBytes broker {@code message.max.bytes} and {@code replica.fetch.max.bytes}
     */
    static String serverProperties(Path dataDir, int port, int controllerPort, int messageMaxBytes) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve(BrokerFiles.LOG_DIRS).toString());
        // One node: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Large records (architecture.md §3): at least the largest topic's max.message.bytes.
        p.put("message.max.bytes", Integer.toString(messageMaxBytes));
        p.put("replica.fetch.max.bytes", Integer.toString(messageMaxBytes));
        p.put("socket.request.max.bytes", Integer.toString(Math.max(104857600, 2 * messageMaxBytes)));
        // A small machine: few threads, a small cleaner buffer (the default 128 MiB would take a
        // quarter of the 512 MiB heap).
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.dedupe.buffer.size", "8388608");
        StringBuilder sb = new StringBuilder("# Written by dev.ares.kafkalocal.BrokerMain; rewritten on every start.\n");
        p.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    /** Exits (running Kafka's shutdown hook, a clean stop) when process {@code pid} is gone. */
    private static void watch(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            throw new IllegalStateException("BrokerMain: watched process " + pid + " is not running");
        }
        h.get().onExit().thenRun(() -> {
            System.out.println("BrokerMain: watched process " + pid + " exited; shutting down");
            System.exit(0);
        });
    }

    /** Removes the pid and port files at exit if they still name this process. */
    private static void clearOwnPidFile(Path dataDir) {
        if (BrokerFiles.readPid(dataDir).orElse(-1) == ProcessHandle.current().pid()) {
            BrokerFiles.clearPidAndPort(dataDir);
        }
    }

    private static void format(Path config) throws IOException {
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(
                    new String[] {"format", "-t", clusterId, "-c", config.toString()}, out);
        }
        String output = buf.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        if (rc != 0) {
            throw new IOException("kafka-storage format failed with exit code " + rc + ": " + output);
        }
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: BrokerMain --data-dir DIR --port N --controller-port M "
                        + "--message-max-bytes B [--watch-pid P]; bad argument '" + args[i] + "'");
            }
            m.put(args[i], args[++i]);
        }
        return m;
    }

    private static String require(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            throw new IllegalArgumentException("BrokerMain: missing argument " + key);
        }
        return v;
    }
}
