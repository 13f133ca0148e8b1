package dev.ares.k8s;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ares.cli.stack.ServiceSpec;
import dev.ares.testkit.SharedKafka;
import dev.ares.testkit.TopicProbe;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The environment k8s/base gives every pod (the ConfigMap ares-config) really configures a service: the packaged
 * reward-service is started with exactly that environment and the JVM options of its JAVA_OPTS_APPEND, only the
 * Kafka address replaced by the local test broker's (the cluster's bootstrap service does not exist here) and the
 * /data paths by a temporary directory. It must then consume from that broker: a malformed record sent there comes
 * back on the dead-letter topic, which no other process produces.
 */
class PodEnvironmentTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void configMapEnvironmentConfiguresTheService() throws Exception {
        Optional<Path> kubectl = Kustomize.kubectl();
        assumeTrue(kubectl.isPresent(), "ASSUMPTION: kubectl is not installed (Debian package kubernetes-client), so the overlays cannot be rendered");
        Path repo = Kustomize.repoRoot();
        ServiceSpec reward = ServiceSpec.ALL.stream().filter(s -> s.name().equals("reward-service")).findFirst().orElseThrow();
        assumeTrue(Files.isRegularFile(reward.jar(repo)), "ASSUMPTION: reward-service is not packaged; the reactor packages it before this module");

        Rendered cpu = new Rendered("cpu", Kustomize.render(kubectl.get(), repo.resolve("k8s/overlays/cpu")));
        Map<String, String> config = cpu.envFromConfig("reward-service");
        assertTrue(config.containsKey("KAFKA_BOOTSTRAP_SERVERS"), "the ConfigMap names the Kafka bootstrap servers");
        Path data = Files.createTempDirectory("ares-pod-data");
        String bootstrap = SharedKafka.bootstrapServers();
        int port = freePort();

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        cmd.addAll(Arrays.asList(config.getOrDefault("JAVA_OPTS_APPEND", "").trim().split("\\s+")));
        cmd.addAll(List.of("-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-jar", reward.jar(repo).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(data.resolve("reward-service.log").toFile());
        pb.environment().putAll(config);
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        pb.environment().put("ARES_CHECKPOINTS_ROOT", config.get("ARES_CHECKPOINTS_ROOT").replace("/data", data.toString()));
        pb.environment().put("ARES_BLOBS_ROOT", config.get("ARES_BLOBS_ROOT").replace("/data", data.toString()));
        pb.environment().put("DJL_CACHE_DIR", data.resolve("djl").toString());
        pb.environment().put("ENGINE_CACHE_DIR", data.resolve("djl").toString());
        Process p = pb.start();
        try {
            awaitLive(p, "http://127.0.0.1:" + port, data.resolve("reward-service.log"));
            try (TopicProbe probe = new TopicProbe(bootstrap)) {
                byte[] marker = ("pod-env-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
                probe.send("ares.rollouts", "bad", marker);
                ConsumerRecord<String, byte[]> dead = probe.await("ares.rollouts.dlq", r -> Arrays.equals(r.value(), marker), WAIT);
                assertArrayEquals(marker, dead.value(), "reward-service consumed from the broker KAFKA_BOOTSTRAP_SERVERS names");
                assertEquals("ares.rollouts", TopicProbe.header(dead, "dead-letter-topic"));
            }
        } finally {
            p.destroy();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static void awaitLive(Process p, String base, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("reward-service exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        throw new AssertionError("reward-service not live in " + WAIT.toSeconds() + " s: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
