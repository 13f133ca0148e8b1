package dev.ares.cli;

import dev.ares.cli.stack.RunDir;
import dev.ares.cli.stack.ServiceLauncher;
import dev.ares.cli.stack.ServiceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ares serve --model DIR [--port P]}: runs inference-service in the foreground with a Hugging Face folder,
 * serving the OpenAI-compatible API on 127.0.0.1 (docs/inference.md) until interrupted. With {@code --kafka} it also
 * follows {@code ares.checkpoints} and hot-swaps newer checkpoints.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model folder with the OpenAI-compatible API (inference-service) until Ctrl-C.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Hugging Face model folder (config.json, weights, tokenizer).")
    Path model;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--name", description = "Model id listed in /v1/models (default: the folder's name).")
    String name;

    @Option(names = "--kafka", description = "Broker bootstrap address to follow ares.checkpoints (default: none).")
    String kafka;

    @Option(names = "--max-batch", defaultValue = "16", description = "Sequences decoded together (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--threads", description = "PyTorch intra-op threads of the model (default: DJL's, all cores). On a machine"
            + " shared with other work, 1 avoids the stalls of a thread team waiting for a descheduled member (docs/benchmarks.md).")
    Integer threads;

    @Option(names = "--api-key", description = "Require this Bearer key on /v1 (default: open).")
    String apiKey;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for the service to become live.")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            throw new IllegalArgumentException("--model " + model + " is not a model folder (no config.json)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 1..65535, got " + port);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("--max-batch must be >= 1, got " + maxBatch);
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        RunDir run = RunDir.current().create();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("ares.model.dir", model.toAbsolutePath().toString());
        props.put("ares.model.name", name != null ? name : model.toAbsolutePath().normalize().getFileName().toString());
        props.put("ares.checkpoints.root", run.checkpoints().toString());
        props.put("ares.inference.max-batch", Integer.toString(maxBatch));
        props.put("kafka.bootstrap.servers", kafka != null ? kafka : "127.0.0.1:9092");
        if (apiKey != null) {
            props.put("ares.inference.api-keys", apiKey);
        }
        if (threads != null) {
            props.put("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        ServiceSpec spec = ServiceSpec.ALL.stream().filter(s -> s.name().equals("inference-service")).findFirst().orElseThrow();
        ServiceLauncher launcher = new ServiceLauncher(run);
        ServiceLauncher.Started s = launcher.spawn(spec, port, props);
        Thread stop = new Thread(() -> launcher.pidFile(spec).stop(Duration.ofSeconds(15)));
        Runtime.getRuntime().addShutdownHook(stop);
        String url = launcher.awaitLive(s, Duration.ofSeconds(timeoutSeconds));
        System.out.println("serving " + model + " at " + url + "/v1 (log: " + launcher.logFile(spec) + "); Ctrl-C stops it");
        if (kafka == null) {
            System.out.println("no --kafka: checkpoint hot swap is off (the service logs that the broker is unreachable)");
        }
        return s.process().waitFor();
    }
}
