package dev.ares.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * reliability.md scenario 18 for reward-service (tier K: the packaged jar as a process, as {@code ./ares up} runs
 * it): an invalid value, given through an environment variable that overrides a dashed key
 * ({@code ARES_REWARD_STRAGGLER_TIMEOUT} for {@code ares.reward.straggler-timeout}), makes startup fail with a
 * message naming the key and the constraint; the override taking effect is what makes it fail. No broker is needed:
 * the check runs before any record. The learner keys (e.g. {@code ARES_LEARNER_MAX_STALENESS=-1}) belong to the
 * learner's own test (issue 10, helper H1).
 */
@Tag("slow")
class Scenario18ConfigFailsFastTest {
    private static final long DEADLINE_SECONDS = 90;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ARES_REWARD_STRAGGLER_TIMEOUT|-1s|ares.reward.straggler-timeout must be > 0",
        "ARES_REWARD_MODE|bogus|ares.reward.mode",
        "ARES_REWARD_FILTER_KEY|sometimes|ares.reward.filter.key",
    })
    void rewardServiceRefusesToStart(String env, String value, String message) throws IOException, InterruptedException {
        Path repo = Path.of(System.getProperty("ares.repo.root", "..")).toAbsolutePath().normalize();
        Path jar = repo.resolve("reward-service/target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.isRegularFile(jar), "packaged reward-service missing: " + jar);
        Path log = tmp.resolve("reward.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> e = pb.environment();
        e.put("QUARKUS_HTTP_PORT", "0");
        e.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
        e.put(env, value);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            boolean ended = p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
            String out = Files.readString(log);
            assertTrue(ended, env + "=" + value + ": still running after " + DEADLINE_SECONDS + " s; log:\n" + tail(out));
            assertNotEquals(0, p.exitValue(), "exit status");
            assertTrue(out.contains(message), env + "=" + value + ": the log names the key and constraint '" + message
                    + "'; log:\n" + tail(out));
            assertTrue(!out.contains("Listening on:"), "never started listening");
            System.out.printf("scenario 18: %s=%s refused in %d ms%n", env, value, (System.nanoTime() - t0) / 1_000_000);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
