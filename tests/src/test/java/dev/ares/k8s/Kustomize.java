package dev.ares.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize} and reads the result as a list of YAML documents.
 *
 * <p>The kubectl binary is, in this order: the system property {@code ares.kubectl}, the environment variable
 * {@code ARES_KUBECTL}, or {@code kubectl} on the {@code PATH}. The build machines and CI install Debian's
 * {@code kubernetes-client} (kubectl 1.20 with kustomize v2.0.3); the manifests use only features that version has.
 */
final class Kustomize {
    static final ObjectMapper YAML = new YAMLMapper();

    private Kustomize() {
    }

    /** The repository root, from the {@code ares.repo.root} system property that surefire sets. */
    static Path repoRoot() {
        return Path.of(System.getProperty("ares.repo.root", "..")).toAbsolutePath().normalize();
    }

    /** The kubectl executable to use, or empty when none is installed. */
    static Optional<Path> kubectl() {
        String configured = System.getProperty("ares.kubectl", System.getenv("ARES_KUBECTL"));
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException("ares.kubectl / ARES_KUBECTL points at " + p + ", which is not an executable file");
            }
            return Optional.of(p);
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "kubectl");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code kubectl kustomize dir}.
     *
     * @param dir a directory holding a {@code kustomization.yaml}
     * @return the rendered documents in kustomize's output order (null documents dropped)
     * @throws IllegalStateException when kubectl fails; the message carries its standard error
     */
    static List<JsonNode> render(Path kubectl, Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kustomize-", ".yaml");
        Path err = Files.createTempFile("kustomize-", ".err");
        try {
            Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + dir + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return documents(Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Splits a multi-document YAML text into its non-empty documents. */
    static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    /** "Kind/name" of a document, for messages. */
    static String id(JsonNode doc) {
        return doc.path("kind").asText("?") + "/" + doc.path("metadata").path("name").asText("?");
    }
}
