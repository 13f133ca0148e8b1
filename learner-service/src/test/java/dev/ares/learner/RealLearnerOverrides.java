package dev.ares.learner;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The configuration shared by the Quarkus tests that run the real learner loop on the qwen2-tiny fixture (the fake
 * loop excluded): a fresh checkpoint root under the temporary folder, 2 groups x 2 trajectories per step, a branch
 * budget of 1, 8 new tokens, lr 1e-3, scheduling every second. Each test profile adds or overrides its own keys.
 */
final class RealLearnerOverrides {
    private RealLearnerOverrides() {
    }

    /**
     * @param run the run id
     * @param modelName the served model name
     * @param maxStaleness {@code ares.learner.max-staleness}
     * @return a mutable map of config overrides
     */
    static Map<String, String> of(String run, String modelName, int maxStaleness) {
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "ares-learner-" + modelName + "-" + UUID.randomUUID());
        Map<String, String> m = new LinkedHashMap<>();
        m.put("quarkus.arc.exclude-types", FakeLearnerLoop.class.getName());
        m.put("ares.learner.model-dir", LearnerConfigTest.FIXTURE.toString());
        m.put("ares.checkpoints.root", root.toString());
        m.put("ares.learner.run-id", run);
        m.put("ares.learner.model-name", modelName);
        m.put("ares.learner.groups-per-step", "2");
        m.put("ares.learner.n", "2");
        m.put("ares.learner.branch-budget", "1");
        m.put("ares.learner.max-staleness", Integer.toString(maxStaleness));
        m.put("ares.learner.max-new-tokens", "8");
        m.put("ares.learner.lr", "1e-3");
        m.put("ares.learner.schedule-every", "1s");
        return m;
    }
}
