package dev.ares.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.cli.servebench.ServeBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./ares bench-serve}: the loopback load benchmark of the inference service (issue 7 acceptance,
 * docs/benchmarks.md). Starts two packaged inference-services on the same model, one with batch size 1 (sequential
 * serving: one request at a time) and one with continuous batching, and measures both at each client count with
 * closed-loop HTTP clients sending fixed chat requests (temperature 0, fixed {@code max_tokens}), in rounds that
 * alternate the two servers' order. Prints a table of
 * requests/s, completion tokens/s and p50/p99 latency per level, the batched/sequential throughput ratio, and writes
 * everything as JSON. With {@code --url} it measures an already running server instead.
 */
@Command(name = "bench-serve", mixinStandardHelpOptions = true,
        description = "Load benchmark of the inference service over loopback HTTP: continuous batching vs sequential serving.")
public final class BenchServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "Model folder to serve (default: demo/cold-start/quick-s0, the demo-size cold start).")
    Path model;

    @Option(names = "--url", description = "Measure this running server (base URL) instead of starting two.")
    String url;

    @Option(names = "--clients", split = ",", defaultValue = "1,4,16,64",
            description = "Client counts (default ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--max-batch", defaultValue = "16", description = "Batch size of the batched server (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-tokens", defaultValue = "64", description = "max_tokens of every request (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--duration", defaultValue = "30", description = "Measurement window per level, seconds (default ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--rounds", defaultValue = "2",
            description = "Windows per server and level, in alternating server order (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "5",
            description = "Least seconds before a level's window opens; it also waits until every client had an answer (default ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--threads", defaultValue = "1",
            description = "PyTorch intra-op threads of each started server; 0 = all cores (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--port", defaultValue = "18180", description = "Port of the sequential server; the batched one takes the next (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--json", description = "Where to write the results (default: .run/bench-serve/result.json).")
    Path jsonOut;

    @Override
    public Integer call() throws Exception {
        if (clients.isEmpty() || clients.stream().anyMatch(c -> c == null || c < 1)) {
            throw new IllegalArgumentException("--clients must list counts >= 1, got " + clients);
        }
        if (maxBatch < 1 || maxTokens < 1 || durationSeconds < 1 || rounds < 1 || warmupSeconds < 0 || threads < 0) {
            throw new IllegalArgumentException("--max-batch, --max-tokens, --duration and --rounds must be >= 1, --warmup and --threads >= 0");
        }
        if (port < 1 || port > 65534) {
            throw new IllegalArgumentException("--port must be in 1..65534, got " + port);
        }
        Path root = Path.of(System.getProperty("ares.repo.root", System.getProperty("user.dir"))).toAbsolutePath().normalize();
        Path dir = model != null ? model : root.resolve("demo/cold-start/quick-s0");
        if (url == null && !Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalArgumentException("--model " + dir + " is not a model folder (no config.json)");
        }
        ServeBench.Settings settings = new ServeBench.Settings(List.copyOf(clients), maxTokens,
                Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), rounds);
        ServeBench bench = new ServeBench(settings, spec.commandLine().getOut());
        ObjectNode result = url != null ? bench.measure(url.replaceAll("/+$", ""))
                : bench.compare(root, dir, maxBatch, threads, port);
        Path out = jsonOut != null ? jsonOut : root.resolve(".run/bench-serve/result.json");
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        ArrayNode argv = result.putArray("argv");
        spec.commandLine().getParseResult().originalArgs().forEach(argv::add);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
        spec.commandLine().getOut().println("results: " + out);
        spec.commandLine().getOut().flush();
        return result.path("server_errors").asInt() == 0 ? 0 : 1;
    }
}
