package dev.ares.cli;

import dev.ares.cli.stack.RunDir;
import dev.ares.kafkalocal.BrokerFiles;
import dev.ares.kafkalocal.LocalKafka;
import dev.ares.kafkalocal.RunningBroker;
import dev.ares.kafkalocal.TopicAdmin;
import dev.ares.kafkalocal.TopicSpec;
import dev.ares.kafkalocal.TopicState;
import dev.ares.kafkalocal.TopicsFile;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ares kafka start|stop|status}: a real single-node Kafka broker (KRaft) on 127.0.0.1 for
 * development, run as a background JVM that outlives the command (architecture.md §2,
 * {@code services/kafka-local}). Its data, pid and port files live in {@code .run/kafka} under the
 * repository root unless {@code --data-dir} says otherwise; {@code stop} signals only a process whose
 * command line is our broker on that data directory.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Start, stop or inspect the local Kafka broker (KRaft, 127.0.0.1 only).",
        subcommands = {KafkaCommand.Start.class, KafkaCommand.Stop.class, KafkaCommand.Status.class})
public final class KafkaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: print usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Shared {@code --data-dir} option. */
    static final class DataDirOption {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Broker data directory (pid/port files, partitions). Default: .run/kafka under the repository root.")
        Path dataDir;

        Path resolve() {
            return (dataDir == null ? RunDir.current().kafkaData() : dataDir).toAbsolutePath().normalize();
        }

        boolean isDefault() {
            return dataDir == null;
        }
    }

    /** {@code kafka start}. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the broker in the background and wait until it answers (Admin describeCluster).")
    static final class Start implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DataDirOption data = new DataDirOption();

        @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
                description = "Client port on 127.0.0.1; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
        int port;

        @Option(names = "--log-file", paramLabel = "FILE",
                description = "Broker log. Default: .run/logs/kafka.log (or DIR/broker.log with --data-dir).")
        Path logFile;

        @Option(names = "--timeout", defaultValue = "90", paramLabel = "SECONDS",
                description = "How long to wait for readiness. Default: ${DEFAULT-VALUE}.")
        int timeoutSeconds;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = data.resolve();
            Optional<RunningBroker> running = LocalKafka.find(dir);
            if (running.isPresent()) {
                out.printf("kafka already running: pid %d, bootstrap %s, data dir %s%n",
                        running.get().pid(), running.get().bootstrapServers(), dir);
                return 0;
            }
            Path log = logFile != null ? logFile
                    : data.isDefault() ? RunDir.current().logs().resolve("kafka.log") : dir.resolve(BrokerFiles.DEFAULT_LOG);
            // The broker's record size limit follows the largest topic of topics.yaml.
            int maxBytes = TopicsFile.loadDefault().largestMaxMessageBytes();
            LocalKafka kafka = LocalKafka.start(new LocalKafka.Options(dir, port, log,
                    Duration.ofSeconds(timeoutSeconds), maxBytes));
            out.printf("kafka started: pid %d, bootstrap %s, data dir %s, log %s%n",
                    kafka.pid(), kafka.bootstrapServers(), dir, kafka.logFile());
            out.println("next: ./ares topics apply; stop with ./ares kafka stop");
            return 0;
        }
    }

    /** {@code kafka stop}. */
    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the broker of the data directory (SIGTERM, then SIGKILL after the timeout).")
    static final class Stop implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DataDirOption data = new DataDirOption();

        @Option(names = "--timeout", defaultValue = "20", paramLabel = "SECONDS",
                description = "Seconds between SIGTERM and SIGKILL. Default: ${DEFAULT-VALUE}.")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = data.resolve();
            Optional<RunningBroker> running = LocalKafka.find(dir);
            if (running.isPresent() && running.get().stop(Duration.ofSeconds(timeoutSeconds))) {
                out.printf("kafka stopped (pid %d)%n", running.get().pid());
                return 0;
            }
            OptionalLong stale = BrokerFiles.readPid(dir);
            if (stale.isPresent()) {
                // The pid file names a process that is gone or is not our broker: never signal it.
                Files.deleteIfExists(dir.resolve(BrokerFiles.PID_FILE));
                Files.deleteIfExists(dir.resolve(BrokerFiles.PORT_FILE));
                out.printf("kafka not running: removed a stale pid file (pid %d is not a broker of %s; left it alone)%n",
                        stale.getAsLong(), dir);
                return 0;
            }
            out.printf("kafka not running (data dir %s)%n", dir);
            return 0;
        }
    }

    /** {@code kafka status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print the broker's pid and bootstrap address and every topic with partitions and key configs."
                    + " Exit code 0 when running, 3 when not.")
    static final class Status implements Callable<Integer> {
        /** Exit code when no broker runs (LSB init-script convention for "not running"). */
        static final int NOT_RUNNING = 3;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DataDirOption data = new DataDirOption();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = data.resolve();
            Optional<RunningBroker> running = LocalKafka.find(dir);
            if (running.isEmpty()) {
                out.printf("kafka: not running (data dir %s)%n", dir);
                return NOT_RUNNING;
            }
            RunningBroker b = running.get();
            out.printf("kafka: running, pid %d, bootstrap %s, data dir %s%n", b.pid(), b.bootstrapServers(), dir);
            List<TopicState> topics = TopicAdmin.describe(b.bootstrapServers());
            if (topics.isEmpty()) {
                out.println("topics: none (create them with ./ares topics apply)");
                return 0;
            }
            String fmt = "%-28s %10s %11s %13s %15s %18s %17s%n";
            out.printf(fmt, "TOPIC", "PARTITIONS", "REPLICATION", TopicSpec.RETENTION_MS, TopicSpec.CLEANUP_POLICY,
                    TopicSpec.MAX_MESSAGE_BYTES, TopicSpec.COMPRESSION_TYPE);
            for (TopicState t : topics) {
                var c = t.keyConfigs();
                out.printf(fmt, t.name(), t.partitions(), t.replicationFactor(), c.get(TopicSpec.RETENTION_MS),
                        c.get(TopicSpec.CLEANUP_POLICY), c.get(TopicSpec.MAX_MESSAGE_BYTES), c.get(TopicSpec.COMPRESSION_TYPE));
            }
            compareWithTopicsYaml(out, topics);
            return 0;
        }

        /** One summary line per kind of difference between the broker and kafka-topics/topics.yaml. */
        private static void compareWithTopicsYaml(PrintWriter out, List<TopicState> topics) {
            TopicsFile file = TopicsFile.loadDefault();
            java.util.Map<String, TopicState> byName = new java.util.HashMap<>();
            topics.forEach(t -> byName.put(t.name(), t));
            List<String> missing = new java.util.ArrayList<>();
            List<String> differing = new java.util.ArrayList<>();
            for (TopicSpec spec : file.topics()) {
                TopicState t = byName.get(spec.name());
                if (t == null) {
                    missing.add(spec.name());
                } else if (!t.differencesFrom(spec).isEmpty()) {
                    differing.add(spec.name() + ": " + String.join(", ", t.differencesFrom(spec)));
                }
            }
            if (missing.isEmpty() && differing.isEmpty()) {
                out.printf("topics.yaml: all %d topics present and matching%n", file.topics().size());
                return;
            }
            if (!missing.isEmpty()) {
                out.println("topics.yaml: missing " + String.join(", ", missing) + " (run ./ares topics apply)");
            }
            differing.forEach(d -> out.println("topics.yaml: differs " + d + " (run ./ares topics apply)"));
        }
    }
}
