package dev.ares.cli.servebench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The serving benchmark of {@code ./ares bench-serve}: fixed chat requests, closed-loop client levels
 * ({@link LoadLevel}), sequential vs batched servers measured level by level in alternation, in rounds of
 * alternating order (so both see the same background load of a shared machine), a printed table and a JSON document.
 *
 * <p>Besides wall-clock throughput, each window records the CPU time the server process used, so that the two servers
 * can also be compared per CPU-second they actually got: on a shared machine a niced server gets whatever CPU is left,
 * which changes from one window to the next.
 *
 * <p>JSON shape: {@code started}, {@code machine} (cores, CPU model, OS, Java), {@code settings}, {@code levels} (one
 * object per server and client count: {@code server}, {@code max_batch}, {@code clients}, {@code window_s},
 * {@code requests}, {@code completion_tokens}, {@code requests_per_s}, {@code tokens_per_s}, {@code p50_ms},
 * {@code p99_ms}, {@code statuses}, {@code transport_errors}, {@code load_average_1m}, {@code server_cpu_s},
 * {@code tokens_per_server_cpu_s}, {@code rounds_tokens_per_s}), {@code speedup} and {@code speedup_per_server_cpu_s}
 * (client count to batched/sequential ratio), {@code server_errors} (5xx answers plus transport errors, all levels).
 */
public final class ServeBench {
    /**
     * @param clients   client counts, in order
     * @param maxTokens {@code max_tokens} of every request
     * @param warmup    least time before each level's window
     * @param duration  window length per level and round
     * @param rounds    windows per server and level; rounds alternate the servers' order (A B, B A, ...) so that
     *                  a change of the machine's background load hits both alike
     */
    public record Settings(List<Integer> clients, int maxTokens, Duration warmup, Duration duration, int rounds) {
        public Settings {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
            }
        }
    }

    /** The fixed user messages; request {@code i} of a level asks {@code PROMPTS[i mod 16]}. */
    static final List<String> PROMPTS = List.of(
            "What is 17 + 25?", "Compute 9 * 8.", "What is 144 / 12?", "Is 91 a prime number?",
            "What is 3 squared plus 4 squared?", "Sum the numbers 1 to 10.", "What is 1000 - 357?", "Double 48, then add 7.",
            "How many minutes are in 3 hours?", "What is 15% of 200?", "Which is larger, 7/8 or 0.85?", "What is 2 to the 10th power?",
            "Round 3.14159 to two decimals.", "What is the remainder of 100 divided by 7?", "Halve 250, then subtract 25.",
            "What is 12 * 12 - 44?");

    private final Settings settings;
    private final PrintWriter out;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public ServeBench(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /** The request bodies: one chat completion per fixed prompt, temperature 0, {@code max_tokens} fixed. */
    List<LoadLevel.Body> bodies() {
        List<LoadLevel.Body> bodies = new ArrayList<>();
        for (int i = 0; i < PROMPTS.size(); i++) {
            ObjectNode b = json.createObjectNode();
            b.putArray("messages").addObject().put("role", "user").put("content", PROMPTS.get(i));
            b.put("max_tokens", settings.maxTokens()).put("temperature", 0);
            bodies.add(new LoadLevel.Body(i, b.toString()));
        }
        return bodies;
    }

    /**
     * Starts a sequential (batch 1) and a batched server on {@code model} and measures both at every client count.
     *
     * @param threads PyTorch intra-op threads of each server (0 = DJL's default, all cores)
     * @param port    the sequential server's port; the batched one listens on {@code port + 1}
     */
    public ObjectNode compare(Path repoRoot, Path model, int maxBatch, int threads, int port) throws Exception {
        int maxClients = settings.clients().stream().mapToInt(Integer::intValue).max().orElse(1);
        int queue = Math.max(64, maxClients);
        ObjectNode doc = header();
        ((ObjectNode) doc.get("settings")).put("model", model.toAbsolutePath().normalize().toString()).put("threads", threads)
                .put("max_batch", maxBatch);
        out.printf("starting two inference-services on %s (batch 1 on :%d, batch %d on :%d, %s intra-op threads) ...%n",
                model, port, maxBatch, port + 1, threads == 0 ? "default" : Integer.toString(threads));
        out.flush();
        BenchServers.Server seq = null;
        BenchServers.Server batched = null;
        try {
            seq = BenchServers.start(repoRoot, "sequential", model, 1, queue, threads, port, Duration.ofMinutes(3));
            batched = BenchServers.start(repoRoot, "batched", model, maxBatch, queue, threads, port + 1, Duration.ofMinutes(3));
            List<BenchServers.Server> servers = List.of(seq, batched);
            for (BenchServers.Server s : servers) {                          // JIT and allocator warm-up, not measured
                level(s.baseUrl()).run(Math.min(s.maxBatch() * 2, 8), Duration.ZERO, Duration.ofSeconds(3), s.process());
            }
            return run(doc, servers);
        } finally {
            for (BenchServers.Server s : new BenchServers.Server[] {batched, seq}) {
                if (s != null) {
                    s.stop();
                }
            }
        }
    }

    /** Measures one running server (base URL) at every client count. */
    public ObjectNode measure(String baseUrl) throws Exception {
        ObjectNode doc = header();
        ((ObjectNode) doc.get("settings")).put("url", baseUrl);
        return run(doc, List.of(new BenchServers.Server("target", 0, baseUrl, null, null, null)));
    }

    private ObjectNode run(ObjectNode doc, List<BenchServers.Server> servers) throws InterruptedException {
        ArrayNode levels = doc.putArray("levels");
        Map<String, Map<Integer, LoadLevel.Result>> byServer = new LinkedHashMap<>();
        out.println();
        out.println("| server | batch | clients | requests | req/s | completion tok/s | p50 ms | p99 ms | server CPU s | tok per CPU s | statuses | load 1m |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        out.flush();
        int errors = 0;
        for (int c : settings.clients()) {
            Map<String, List<LoadLevel.Result>> rounds = new LinkedHashMap<>();
            for (int round = 0; round < settings.rounds(); round++) {
                List<BenchServers.Server> order = new ArrayList<>(servers);
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (BenchServers.Server s : order) {
                    rounds.computeIfAbsent(s.label(), k -> new ArrayList<>())
                            .add(level(s.baseUrl()).run(c, settings.warmup(), settings.duration(), s.process()));
                }
            }
            for (BenchServers.Server s : servers) {
                LoadLevel.Result r = LoadLevel.Result.combine(rounds.get(s.label()));
                byServer.computeIfAbsent(s.label(), k -> new LinkedHashMap<>()).put(c, r);
                errors += r.serverErrors() + r.transportErrors();
                out.printf("| %s | %s | %d | %d | %.2f | %.1f | %.0f | %.0f | %.1f | %.1f | %s%s | %.2f |%n", s.label(),
                        s.maxBatch() == 0 ? "?" : Integer.toString(s.maxBatch()), c, r.requests(), r.requestsPerSecond(),
                        r.tokensPerSecond(), r.p50Millis(), r.p99Millis(), r.serverCpuSeconds(), r.tokensPerCpuSecond(), r.statuses(),
                        r.transportErrors() == 0 ? "" : " + " + r.transportErrors() + " no answer", r.loadAverage());
                out.flush();
                ObjectNode l = levels.addObject().put("server", s.label()).put("max_batch", s.maxBatch()).put("clients", c)
                        .put("window_s", r.windowSeconds()).put("requests", r.requests())
                        .put("completion_tokens", r.completionTokens()).put("requests_per_s", r.requestsPerSecond())
                        .put("tokens_per_s", r.tokensPerSecond()).put("p50_ms", r.p50Millis()).put("p99_ms", r.p99Millis())
                        .put("transport_errors", r.transportErrors()).put("load_average_1m", r.loadAverage())
                        .put("server_cpu_s", r.serverCpuSeconds()).put("tokens_per_server_cpu_s", r.tokensPerCpuSecond());
                ObjectNode st = l.putObject("statuses");
                r.statuses().forEach((k, v) -> st.put(Integer.toString(k), v));
                ArrayNode perRound = l.putArray("rounds_tokens_per_s");
                rounds.get(s.label()).forEach(x -> perRound.add(x.tokensPerSecond()));
            }
        }
        doc.put("server_errors", errors);
        Map<Integer, LoadLevel.Result> seq = byServer.get("sequential");
        Map<Integer, LoadLevel.Result> bat = byServer.get("batched");
        if (seq != null && bat != null) {
            ObjectNode speedup = doc.putObject("speedup");
            ObjectNode perCpu = doc.putObject("speedup_per_server_cpu_s");
            out.println();
            for (int c : settings.clients()) {
                double x = bat.get(c).tokensPerSecond() / seq.get(c).tokensPerSecond();
                double y = bat.get(c).tokensPerCpuSecond() / seq.get(c).tokensPerCpuSecond();
                speedup.put(Integer.toString(c), x);
                perCpu.put(Integer.toString(c), y);
                out.printf("clients %2d: batched / sequential completion tokens/s = %.2fx; per server CPU-second = %.2fx%n", c, x, y);
            }
        }
        out.printf("5xx answers and requests without an answer, all levels: %d%n", errors);
        out.flush();
        return doc;
    }

    private LoadLevel level(String baseUrl) {
        return new LoadLevel(http, json, URI.create(baseUrl + "/v1/chat/completions"), bodies(), Duration.ofMinutes(30));
    }

    private ObjectNode header() {
        ObjectNode doc = json.createObjectNode();
        doc.put("started", Instant.now().toString());
        ObjectNode m = doc.putObject("machine");
        m.put("cores", Runtime.getRuntime().availableProcessors()).put("cpu", cpuModel())
                .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
                .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
                .put("load_average_1m_at_start",
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        doc.putObject("settings").put("max_tokens", settings.maxTokens()).put("temperature", 0)
                .put("warmup_s", settings.warmup().toSeconds()).put("window_s", settings.duration().toSeconds())
                .put("rounds", settings.rounds())
                .put("endpoint", "/v1/chat/completions").put("prompts", PROMPTS.size())
                .putPOJO("clients", settings.clients());
        return doc;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }
}
