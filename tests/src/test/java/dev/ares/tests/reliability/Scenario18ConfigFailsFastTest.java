package dev.ares.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * reliability.md scenario 18 for the four services (tier K: each packaged jar as a process, as {@code ./ares up} runs
 * it): an invalid value or a missing required key, given through environment variables that override dashed keys
 * (e.g. {@code ARES_LEARNER_MAX_STALENESS} for {@code ares.learner.max-staleness}), makes startup fail with a message
 * naming the key and the constraint; the override taking effect is what makes it fail. One case overrides a dashed
 * channel key ({@code MP_MESSAGING_INCOMING_ROLLOUTS_FAILURE_STRATEGY} for
 * {@code mp.messaging.incoming.rollouts.failure-strategy}): SmallRye's own check then names the bad strategy. No
 * broker is needed: every check runs before any record.
 */
@Tag("slow")
class Scenario18ConfigFailsFastTest {
    private static final long DEADLINE_SECONDS = 120;
    /** Placeholder in an environment value for the qwen2-tiny fixture folder. */
    private static final String TINY = "@tiny";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "reward-service|ARES_REWARD_STRAGGLER_TIMEOUT=-1s|ares.reward.straggler-timeout must be > 0",
        "reward-service|ARES_REWARD_MODE=bogus|ares.reward.mode",
        "reward-service|ARES_REWARD_FILTER_KEY=sometimes|ares.reward.filter.key",
        "reward-service|MP_MESSAGING_INCOMING_ROLLOUTS_FAILURE_STRATEGY=bogus|Invalid failure strategy: bogus",
        "learner-service|ARES_LEARNER_MODEL_DIR=@tiny;ARES_LEARNER_MAX_STALENESS=-1|ares.learner.max-staleness must be >= 1, got -1",
        "learner-service|ARES_LEARNER_MODEL_DIR=@tiny;ARES_LEARNER_N=1|ares.learner.n must be >= 2",
        "learner-service|ARES_LEARNER_MODEL_DIR=/nonexistent-ares-model|ares.learner.model-dir must be a Hugging Face folder with config.json",
        "rollout-service|ARES_ROLLOUT_HWE_WINDOW=0|ares.rollout.hwe.window must be >= 1, got 0",
        "rollout-service|ARES_ROLLOUT_BATCH_MAX_GROUPS=0|ares.rollout.batch.max-groups must be >= 1, got 0",
        "rollout-service|ARES_ROLLOUT_SHUTDOWN_GRACE=-1s|ares.rollout.shutdown-grace must be >= 0",
        "inference-service|ARES_INFERENCE_MAX_BATCH=0|ares.inference.max-batch must be >= 1, got 0",
        "inference-service|ARES_INFERENCE_REMOTE_IMAGES_ENABLED=true|ares.inference.remote-images.allowed-hosts is required when ares.inference.remote-images.enabled=true",
    })
    void serviceRefusesToStart(String service, String envs, String message) throws IOException, InterruptedException {
        Path repo = Path.of(System.getProperty("ares.repo.root", "..")).toAbsolutePath().normalize();
        Path jar = repo.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.isRegularFile(jar), "packaged " + service + " missing: " + jar);
        Path tiny = repo.resolveSibling("shared").resolve("fixtures/hf-reference/qwen2-tiny");
        Path log = tmp.resolve(service + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> e = pb.environment();
        e.put("QUARKUS_HTTP_PORT", "0");
        e.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
        e.put("ARES_CHECKPOINTS_ROOT", tmp.resolve("checkpoints").toString());
        e.put("DJL_OFFLINE", "true");
        e.putIfAbsent("DJL_CACHE_DIR", repo.resolve(".cache/djl").toString());
        for (String kv : envs.split(";")) {
            int eq = kv.indexOf('=');
            e.put(kv.substring(0, eq), kv.substring(eq + 1).replace(TINY, tiny.toString()));
        }
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            boolean ended = p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
            String out = Files.readString(log);
            assertTrue(ended, envs + ": " + service + " still running after " + DEADLINE_SECONDS + " s; log:\n" + tail(out));
            assertNotEquals(0, p.exitValue(), "exit status");
            assertTrue(out.contains(message), envs + ": the log names the key and constraint '" + message + "'; log:\n"
                    + tail(out));
            assertTrue(!out.contains("Listening on:"), "never started listening");
            System.out.printf("scenario 18: %s %s refused in %d ms%n", service, envs, (System.nanoTime() - t0) / 1_000_000);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
