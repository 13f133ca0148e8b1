package dev.ares.cli.servebench;

import dev.ares.cli.stack.RunDir;
import dev.ares.cli.stack.ServiceLauncher;
import dev.ares.cli.stack.ServiceSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the packaged inference-service for the serving benchmark, the way {@code ./ares serve} does, each server in
 * its own run directory ({@code .run/bench-serve/<label>}) so that the benchmark never touches the pid files of a
 * running {@code ./ares up}. The benchmark servers follow no broker (their Kafka bootstrap is a loopback port where
 * nothing listens: no checkpoint can hot-swap the model mid-measurement), their queue admits every client and their
 * queue wait is long enough that a closed loop of many clients on sequential serving is measured, not refused.
 */
final class BenchServers {
    /** A started server: its label, batch limit, base URL, process (null when not started here) and how to stop it. */
    record Server(String label, int maxBatch, String baseUrl, ServiceLauncher launcher, ServiceSpec spec, ProcessHandle process) {
        /** Stops the server (SIGTERM, then SIGKILL after 15 s). */
        void stop() {
            launcher.pidFile(spec).stop(Duration.ofSeconds(15));
        }
    }

    private BenchServers() {
    }

    /**
     * Spawns one inference-service and waits until it is live and its model is loaded.
     *
     * @param repoRoot   the repository (for the packaged jar and the run directory)
     * @param label      run-directory name and table label
     * @param model      the Hugging Face folder to serve
     * @param maxBatch   {@code ares.inference.max-batch}: 1 is sequential serving
     * @param maxQueue   {@code ares.inference.max-queue}: at least the benchmark's largest client count
     * @param threads    PyTorch intra-op threads of the server ({@code ai.djl.pytorch.num_threads}); 0 = DJL's default
     * @param port       HTTP port on 127.0.0.1
     * @param timeout    longest wait for the model to be served
     * @throws IllegalStateException when the service does not start or never serves the model
     */
    static Server start(Path repoRoot, String label, Path model, int maxBatch, int maxQueue, int threads, int port,
                        Duration timeout) throws IOException {
        RunDir run = new RunDir(repoRoot, repoRoot.resolve(".run").resolve("bench-serve").resolve(label)).create();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("ares.model.dir", model.toAbsolutePath().toString());
        props.put("ares.model.name", "bench");
        props.put("ares.checkpoints.root", run.checkpoints().toString());
        props.put("ares.inference.max-batch", Integer.toString(maxBatch));
        props.put("ares.inference.max-queue", Integer.toString(maxQueue));
        props.put("ares.inference.queue-timeout", "30m");
        props.put("kafka.bootstrap.servers", "127.0.0.1:" + unusedPort());
        if (threads > 0) {
            props.put("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        ServiceSpec spec = ServiceSpec.ALL.stream().filter(s -> s.name().equals("inference-service")).findFirst().orElseThrow();
        ServiceLauncher launcher = new ServiceLauncher(run);
        launcher.pidFile(spec).stop(Duration.ofSeconds(15));                 // a leftover of an interrupted benchmark
        ServiceLauncher.Started s = launcher.spawn(spec, port, props);
        Server server = new Server(label, maxBatch, launcher.awaitLive(s, timeout), launcher, spec, s.process().toHandle());
        try {
            awaitModel(server, timeout);
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
        return server;
    }

    /** Polls {@code /v1/models} until it answers 200 (503 while the model loads). */
    private static void awaitModel(Server server, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/models")).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == 200) {
                    return;
                }
            } catch (IOException e) {
                last = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + server.label(), e);
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + server.label(), e);
            }
        }
        throw new IllegalStateException("the " + server.label() + " server at " + server.baseUrl() + " did not serve the model within "
                + timeout.toSeconds() + " s (last /v1/models status " + last + "); log: "
                + server.launcher().logFile(server.spec()));
    }

    /** A loopback port where nothing listens right now. */
    static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
