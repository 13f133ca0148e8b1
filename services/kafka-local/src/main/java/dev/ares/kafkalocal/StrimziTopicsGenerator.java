package dev.ares.kafkalocal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Generates Strimzi {@code KafkaTopic} resources ({@code kafka.strimzi.io/v1beta2}) from
 * {@code kafka-topics/topics.yaml} (architecture.md §3): one file per topic, named
 * {@code <topic>.yaml}, plus a {@code kustomization.yaml} listing them, each starting with
 * {@link #HEADER}. Output is deterministic (sorted, independent of where the file was read from), so
 * {@link #drift(TopicsFile, Path)} can compare the committed files with a fresh rendering.
 *
 * <p>Run: {@code java -cp ... dev.ares.kafkalocal.StrimziTopicsGenerator [--topics FILE] [--out DIR]}
 * or {@code ./ares topics strimzi [--out DIR]}; the default output is {@code kafka-topics/strimzi/}
 * next to topics.yaml.
 */
public final class StrimziTopicsGenerator {

    /** First line of every generated file; also marks files this generator may delete. */
    public static final String HEADER = "# GENERATED from kafka-topics/topics.yaml by `./ares topics strimzi`"
            + " (dev.ares.kafkalocal.StrimziTopicsGenerator). Do not edit: change topics.yaml and regenerate.\n";
    /** Strimzi API version of the resources. */
    public static final String API_VERSION = "kafka.strimzi.io/v1beta2";
    /** Name of the kustomization file listing the resources. */
    public static final String KUSTOMIZATION = "kustomization.yaml";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();

    private StrimziTopicsGenerator() {
    }

    /**
     * Renders every resource.
     *
     * @param topics the parsed topics.yaml
     * @return file name to file content, sorted by file name
     */
    public static Map<String, String> render(TopicsFile topics) {
        Map<String, String> files = new TreeMap<>();
        for (TopicSpec t : topics.topics()) {
            files.put(t.name() + ".yaml", HEADER + toYaml(kafkaTopic(t, topics.strimziCluster())));
        }
        ObjectNode k = JsonNodeFactory.instance.objectNode();
        k.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
        k.put("kind", "Kustomization");
        var resources = k.putArray("resources");
        files.keySet().forEach(resources::add);
        files.put(KUSTOMIZATION, HEADER + toYaml(k));
        return files;
    }

    /**
     * Writes the rendered files to {@code outDir} (created if missing) and deletes generated files
     * (those starting with {@link #HEADER}) that no longer correspond to a topic. Files without the
     * header are never touched.
     *
     * @return the files written, sorted
     */
    public static List<Path> write(TopicsFile topics, Path outDir) {
        Map<String, String> files = render(topics);
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(outDir);
            for (Path stale : generatedFiles(outDir)) {
                if (!files.containsKey(stale.getFileName().toString())) {
                    Files.delete(stale);
                }
            }
            for (Map.Entry<String, String> e : files.entrySet()) {
                Path p = outDir.resolve(e.getKey());
                Files.writeString(p, e.getValue());
                written.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Strimzi topics to " + outDir + ": " + e, e);
        }
        return written;
    }

    /**
     * Compares {@code outDir} with a fresh rendering.
     *
     * @return one line per difference ("missing X", "differs X", "stale X"); empty when in sync
     */
    public static List<String> drift(TopicsFile topics, Path outDir) {
        Map<String, String> files = render(topics);
        List<String> out = new ArrayList<>();
        try {
            for (Map.Entry<String, String> e : files.entrySet()) {
                Path p = outDir.resolve(e.getKey());
                if (!Files.isRegularFile(p)) {
                    out.add("missing " + p);
                } else if (!Files.readString(p).equals(e.getValue())) {
                    out.add("differs " + p);
                }
            }
            if (Files.isDirectory(outDir)) {
                for (Path g : generatedFiles(outDir)) {
                    if (!files.containsKey(g.getFileName().toString())) {
                        out.add("stale " + g);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + outDir + ": " + e, e);
        }
        return out;
    }

    /** Default output directory: {@code strimzi/} next to the topics file. */
    public static Path defaultOutDir(Path topicsFile) {
        return topicsFile.toAbsolutePath().getParent().resolve("strimzi");
    }

    /**
     * Command line: {@code [--topics FILE] [--out DIR]}. Prints the files written.
     *
     * @param args see above; defaults: {@link TopicsFile#locate()} and {@link #defaultOutDir(Path)}
     */
    public static void main(String[] args) {
        Path topicsPath = null;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--topics") && i + 1 < args.length) {
                topicsPath = Path.of(args[++i]);
            } else if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else {
                System.err.println("usage: StrimziTopicsGenerator [--topics FILE] [--out DIR]; unknown argument '" + args[i] + "'");
                System.exit(2);
            }
        }
        Path src = topicsPath == null ? TopicsFile.locate() : topicsPath;
        Path dir = out == null ? defaultOutDir(src) : out;
        for (Path p : write(TopicsFile.load(src), dir)) {
            System.out.println("wrote " + p);
        }
    }

    private static ObjectNode kafkaTopic(TopicSpec t, String cluster) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("apiVersion", API_VERSION);
        root.put("kind", "KafkaTopic");
        ObjectNode meta = root.putObject("metadata");
        meta.put("name", t.name());
        ObjectNode labels = meta.putObject("labels");
        labels.put("strimzi.io/cluster", cluster);
        labels.put("app.kubernetes.io/part-of", "ares");
        meta.putObject("annotations").put("ares.dev/description", t.description());
        ObjectNode spec = root.putObject("spec");
        spec.put("topicName", t.name());
        spec.put("partitions", t.partitions());
        spec.put("replicas", t.replicationFactor());
        ObjectNode config = spec.putObject("config");
        config.put(TopicSpec.RETENTION_MS, t.retentionMs());
        config.put(TopicSpec.CLEANUP_POLICY, t.cleanupPolicy());
        config.put(TopicSpec.MAX_MESSAGE_BYTES, t.maxMessageBytes());
        config.put(TopicSpec.COMPRESSION_TYPE, t.compressionType());
        return root;
    }

    private static String toYaml(ObjectNode node) {
        try {
            return YAML.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render YAML", e);
        }
    }

    private static List<Path> generatedFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>();
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                if (Files.isRegularFile(p) && Files.readString(p).startsWith(HEADER)) {
                    out.add(p);
                }
            }
            return out;
        }
    }
}
