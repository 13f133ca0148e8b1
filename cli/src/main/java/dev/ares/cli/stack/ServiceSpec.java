package dev.ares.cli.stack;

import java.nio.file.Path;
import java.util.List;

/**
 * One of the four Quarkus services as the launcher starts it: its module directory (relative to the
 * repository root), the port it listens on by default, and the packaged fast-jar it runs from.
 */
public record ServiceSpec(String name, int defaultPort) {

    /** The four services in start order (consumers of a topic before its producers). */
    public static final List<ServiceSpec> ALL = List.of(
            new ServiceSpec("inference-service", 8080),
            new ServiceSpec("rollout-service", 8081),
            new ServiceSpec("reward-service", 8082),
            new ServiceSpec("learner-service", 8083));

    /** The Quarkus fast-jar of the service under {@code repoRoot}. */
    public Path jar(Path repoRoot) {
        return repoRoot.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The service's port when the launcher is given a base port: the default port shifted by the same offset. */
    public int port(int basePort) {
        return basePort + (defaultPort - ALL.get(0).defaultPort());
    }
}
