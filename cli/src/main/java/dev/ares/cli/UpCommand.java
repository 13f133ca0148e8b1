package dev.ares.cli;

import dev.ares.cli.stack.RunDir;
import dev.ares.cli.stack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ares up}: the local broker (reused when one of ours already runs), the topics of
 * {@code kafka-topics/topics.yaml}, and the four services on 127.0.0.1, with logs and pid files under
 * {@code .run/}. Prints one line per service with its base URL. On a failure it stops what it started.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the local broker, the topics and the four services on 127.0.0.1.")
public final class UpCommand implements Callable<Integer> {

    @Option(names = "--base-port", defaultValue = "8080",
            description = "Port of inference-service; rollout, reward and learner use the next three (default ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--model", description = "Hugging Face model folder the services start with (else they wait for a checkpoint event).")
    Path model;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for each service to become live.")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        RunDir run = RunDir.current().create();
        if (model != null && !java.nio.file.Files.isDirectory(model)) {
            throw new IllegalArgumentException("--model " + model + " is not a directory");
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("ares.checkpoints.root", run.checkpoints().toString());
        props.put("ares.blobs.root", run.blobs().toString());
        if (model != null) {
            props.put("ares.model.dir", model.toAbsolutePath().toString());
        }
        LocalStack.Urls urls = LocalStack.start(run, basePort, kafkaPort, props, Map.of(), Duration.ofSeconds(timeoutSeconds));
        System.out.println("kafka              " + urls.bootstrap());
        urls.services().forEach((name, url) -> System.out.println(String.format("%-18s %s", name, url)));
        System.out.println("logs and pids in " + run.root() + "; stop with ./ares down");
        return 0;
    }
}
