package dev.ares.cli.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts one packaged Quarkus service as a child JVM bound to 127.0.0.1, with its log and pid file in the
 * run directory, and waits until {@code /q/health/live} answers 200.
 */
public final class ServiceLauncher {
    private final RunDir run;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ServiceLauncher(RunDir run) {
        this.run = run;
    }

    /** The pid file of a service in this run. */
    public PidFile pidFile(ServiceSpec spec) {
        return new PidFile(run.pids().resolve(spec.name() + ".pid"));
    }

    /** The log file of a service in this run. */
    public Path logFile(ServiceSpec spec) {
        return run.logs().resolve(spec.name() + ".log");
    }

    /** A started service process that may not be live yet. */
    public record Started(ServiceSpec spec, Process process, String baseUrl) {
    }

    /**
     * Starts {@code spec} on {@code port} with the given extra system properties and waits for liveness.
     *
     * @return the base URL, {@code http://127.0.0.1:PORT}
     * @throws IllegalStateException when the jar is missing, the port is taken, or the service dies or does
     *     not become live in {@code timeout} (the message carries the log's tail)
     */
    public String start(ServiceSpec spec, int port, Map<String, String> properties, Duration timeout) throws IOException {
        return awaitLive(spawn(spec, port, properties), timeout);
    }

    /**
     * Starts the process of {@code spec} on {@code port} and returns at once (several services then start in
     * parallel; {@link #awaitLive} waits for each).
     *
     * @throws IllegalStateException when the jar is missing, the service already runs or the port is taken
     */
    public Started spawn(ServiceSpec spec, int port, Map<String, String> properties) throws IOException {
        Path jar = spec.jar(run.repoRoot());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(spec.name() + " is not built: " + jar + " is missing (run: ./ares build)");
        }
        if (pidFile(spec).process().isPresent()) {
            throw new IllegalStateException(spec.name() + " is already running (pid file " + pidFile(spec).path() + "); run ./ares down first");
        }
        Ports.requireFree(port, spec.name());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + System.getProperty("ares.service.xmx", "1g"));
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dares.repo.root=" + run.repoRoot());
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(spec).toFile()));
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().putIfAbsent("DJL_CACHE_DIR", run.repoRoot().resolve(".cache/djl").toString());
        Process p = pb.start();
        pidFile(spec).write(p.pid(), jar.toString());
        return new Started(spec, p, "http://127.0.0.1:" + port);
    }

    /**
     * Waits until a spawned service answers {@code /q/health/live} with 200.
     *
     * @return its base URL
     * @throws IllegalStateException when it exits or is not live within {@code timeout} (with the log's tail)
     */
    public String awaitLive(Started s, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!s.process().isAlive()) {
                throw new IllegalStateException(s.spec().name() + " exited with code " + s.process().exitValue()
                        + "; log tail:\n" + tail(logFile(s.spec())));
            }
            if (live(s.baseUrl())) {
                return s.baseUrl();
            }
            sleep(300);
        }
        throw new IllegalStateException(s.spec().name() + " did not become live within " + timeout.toSeconds()
                + " s; log tail:\n" + tail(logFile(s.spec())));
    }

    private boolean live(String base) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/live"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of a log file, for error messages. */
    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
