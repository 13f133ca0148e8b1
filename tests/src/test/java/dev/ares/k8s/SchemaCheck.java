package dev.ares.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Validates documents with the JSON schemas of the npm {@code kubernetes-models} packages (the Kubernetes OpenAPI
 * spec, and the Prometheus Operator and KEDA CRDs), through {@code k8s/schema-check/validate.mjs} on Node.js.
 *
 * <p>The packages are pinned by {@code k8s/schema-check/package-lock.json}; when {@code node_modules} is missing
 * they are installed with {@code npm ci} (from the npm registry, like any other build dependency).
 */
final class SchemaCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One document's outcome: the package whose schema was applied (null: none models it) and the violations. */
    record Result(String apiVersion, String kind, String name, String validator, List<String> errors) {
    }

    private final Path dir;

    SchemaCheck(Path repoRoot) {
        this.dir = repoRoot.resolve("k8s/schema-check");
    }

    /** Installs the pinned packages once (npm ci) unless they are present. */
    synchronized void install() throws IOException, InterruptedException {
        if (Files.isDirectory(dir.resolve("node_modules/kubernetes-models"))
                && Files.isDirectory(dir.resolve("node_modules/@kubernetes-models/keda"))
                && Files.isDirectory(dir.resolve("node_modules/@kubernetes-models/prometheus-operator"))) {
            return;
        }
        run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 600);
    }

    /** Validates the documents, in order: one result per document. */
    List<Result> validate(List<JsonNode> docs) throws IOException, InterruptedException {
        install();
        Path input = Files.createTempFile("ares-docs-", ".json");
        try {
            JSON.writeValue(input.toFile(), docs);
            String out = run(List.of("node", dir.resolve("validate.mjs").toString(), input.toString()), 120);
            JsonNode arr = JSON.readTree(out);
            if (!arr.isArray() || arr.size() != docs.size()) {
                throw new IllegalStateException("validate.mjs answered " + arr.size() + " results for " + docs.size() + " documents: " + out);
            }
            List<Result> results = new ArrayList<>();
            for (JsonNode r : arr) {
                List<String> errors = new ArrayList<>();
                r.path("errors").forEach(e -> errors.add(e.asText()));
                results.add(new Result(r.path("apiVersion").asText(null), r.path("kind").asText(null),
                        r.path("name").asText(null), r.path("validator").isNull() ? null : r.path("validator").asText(), errors));
            }
            return results;
        } finally {
            Files.deleteIfExists(input);
        }
    }

    private String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("schema-check-", ".out");
        Path err = Files.createTempFile("schema-check-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed in " + dir + " (exit " + p.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
