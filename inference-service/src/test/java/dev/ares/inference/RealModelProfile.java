package dev.ares.inference;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves the real qwen2-tiny fixture model (shared/fixtures/hf-reference) with the limits of reliability.md
 * scenario 11: 8 running sequences, 32 waiting requests, a 2 s queue wait.
 */
public class RealModelProfile implements QuarkusTestProfile {
    /** The fixture folder, from the {@code ares.repo.root} system property that surefire sets. */
    static Path fixture() {
        String root = System.getProperty("ares.repo.root");
        if (root == null) {
            throw new IllegalStateException("system property ares.repo.root is not set (the root pom's surefire sets it)");
        }
        return Path.of(root).resolve("../shared/fixtures/hf-reference/qwen2-tiny").toAbsolutePath().normalize();
    }

    private static final Path CHECKPOINTS = Path.of(System.getProperty("java.io.tmpdir"),
            "ares-inference-test-checkpoints-" + java.util.UUID.randomUUID()).toAbsolutePath();

    /** Checkpoints of scenario 16 are published under this root (new per test JVM, so old events never match). */
    static Path checkpoints() {
        return CHECKPOINTS;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("ares.test.real-model", "true"),
                Map.entry("ares.model.dir", fixture().toString()),
                Map.entry("ares.model.name", "qwen2-tiny"),
                Map.entry("ares.checkpoints.root", checkpoints().toString()),
                Map.entry("ares.inference.max-batch", "8"),
                Map.entry("ares.inference.max-queue", "32"),
                Map.entry("ares.inference.queue-timeout", "2s"),
                Map.entry("ares.inference.max-tokens", "64"),
                Map.entry("ares.inference.default-max-tokens", "16"),
                Map.entry("ares.inference.max-body-bytes", "65536"),
                Map.entry("quarkus.thread-pool.max-threads", "400"));
    }

    @Override
    public String getConfigProfile() {
        return "real-model";
    }
}
