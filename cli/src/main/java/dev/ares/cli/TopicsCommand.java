package dev.ares.cli;

import dev.ares.cli.stack.RunDir;
import dev.ares.kafkalocal.LocalKafka;
import dev.ares.kafkalocal.RunningBroker;
import dev.ares.kafkalocal.StrimziTopicsGenerator;
import dev.ares.kafkalocal.TopicAdmin;
import dev.ares.kafkalocal.TopicsFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ares topics apply|strimzi}: make a cluster, or the Strimzi resources, match
 * {@code kafka-topics/topics.yaml}, the one source of truth for topics (architecture.md §3).
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Apply kafka-topics/topics.yaml to a broker, or generate its Strimzi KafkaTopic resources.",
        subcommands = {TopicsCommand.Apply.class, TopicsCommand.Strimzi.class})
public final class TopicsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: print usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static Path topicsFile(Path given) {
        return given != null ? given : TopicsFile.locate();
    }

    /** {@code topics apply}. */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create missing topics and update configs of existing ones (idempotent).")
    static final class Apply implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
                description = "Bootstrap servers. Default: the broker started by ./ares kafka start (.run/kafka).")
        String bootstrap;

        @Option(names = "--file", paramLabel = "FILE", description = "Topics file. Default: kafka-topics/topics.yaml.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String bs = bootstrap;
            if (bs == null) {
                Path dir = RunDir.current().kafkaData();
                bs = LocalKafka.find(dir).map(RunningBroker::bootstrapServers).orElseThrow(() -> new IllegalStateException(
                        "no local broker runs on " + dir + "; start one with ./ares kafka start, or give --bootstrap HOST:PORT"));
            }
            Path src = topicsFile(file);
            TopicsFile topics = TopicsFile.load(src);
            TopicAdmin.ApplyResult r = TopicAdmin.apply(bs, topics.topics());
            out.printf("applied %s to %s: %d created, %d updated, %d unchanged%n", src, bs,
                    r.created().size(), r.updated().size(), r.unchanged().size());
            r.created().forEach(t -> out.println("  created   " + t));
            r.updated().forEach(t -> out.println("  updated   " + t));
            r.unchanged().forEach(t -> out.println("  unchanged " + t));
            r.notes().forEach(n -> out.println("  note: " + n));
            return 0;
        }
    }

    /** {@code topics strimzi}. */
    @Command(name = "strimzi", mixinStandardHelpOptions = true,
            description = "Write Strimzi KafkaTopic resources (kafka.strimzi.io/v1beta2) generated from topics.yaml.")
    static final class Strimzi implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", paramLabel = "DIR", description = "Output directory. Default: kafka-topics/strimzi.")
        Path out;

        @Option(names = "--file", paramLabel = "FILE", description = "Topics file. Default: kafka-topics/topics.yaml.")
        Path file;

        @Option(names = "--check", description = "Write nothing; exit 1 and list the differences when the files are out of date.")
        boolean check;

        @Override
        public Integer call() {
            PrintWriter w = spec.commandLine().getOut();
            Path src = topicsFile(file);
            Path dir = out != null ? out : StrimziTopicsGenerator.defaultOutDir(src);
            TopicsFile topics = TopicsFile.load(src);
            if (check) {
                List<String> drift = StrimziTopicsGenerator.drift(topics, dir);
                if (drift.isEmpty()) {
                    w.println("Strimzi topics in " + dir + " match " + src);
                    return 0;
                }
                drift.forEach(d -> spec.commandLine().getErr().println("out of date: " + d));
                spec.commandLine().getErr().println("regenerate with ./ares topics strimzi");
                return 1;
            }
            List<Path> written = StrimziTopicsGenerator.write(topics, dir);
            written.forEach(p -> w.println("wrote " + p));
            return 0;
        }
    }
}
