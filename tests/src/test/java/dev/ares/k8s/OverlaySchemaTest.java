package dev.ares.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every deployable kustomization with {@code kubectl kustomize} and validates each resource against the
 * published API schemas: the Kubernetes OpenAPI spec and the Prometheus Operator and KEDA CRDs (npm
 * kubernetes-models, {@link SchemaCheck}), and the fabric8 and Strimzi Java models, which also catch fields the
 * APIs do not have ({@link ApiModels}). A resource that no schema covers fails the test.
 *
 * <p>Known limit: the KEDA ScaledObject is checked for types, enums and required fields, not for unknown fields
 * (the npm schemas allow extra properties and there is no KEDA model on Maven Central).
 */
class OverlaySchemaTest {
    private static Path kubectl;
    private static ApiModels models;
    private static SchemaCheck schemas;

    @BeforeAll
    static void tools() {
        Optional<Path> k = Kustomize.kubectl();
        assumeTrue(k.isPresent(), "ASSUMPTION: kubectl is not installed, so the overlays cannot be rendered here; "
                + "install the Debian package kubernetes-client (kubectl 1.20, kustomize v2.0.3) or set ares.kubectl");
        kubectl = k.get();
        models = new ApiModels();
        schemas = new SchemaCheck(Kustomize.repoRoot());
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/overlays/cpu", "k8s/overlays/gpu", "k8s/kafka", "k8s/overlays/cpu/kafka", "k8s/monitoring"})
    void everyRenderedResourceMatchesItsApiSchema(String kustomization) throws Exception {
        List<JsonNode> docs = Kustomize.render(kubectl, Kustomize.repoRoot().resolve(kustomization));
        assertFalse(docs.isEmpty(), kustomization + " renders nothing");
        List<String> problems = problems(docs);
        assertEquals(List.of(), problems, kustomization + ": resources that do not match their API schema");
    }

    @Test
    void brokenResourcesAreRejected() throws Exception {
        List<JsonNode> cpu = Kustomize.render(kubectl, Kustomize.repoRoot().resolve("k8s/overlays/cpu"));
        List<JsonNode> kafka = Kustomize.render(kubectl, Kustomize.repoRoot().resolve("k8s/kafka"));

        ObjectNode unknownField = first(cpu, "Deployment").deepCopy();
        ((ObjectNode) unknownField.path("spec")).put("replicaz", 2);
        ObjectNode wrongType = first(cpu, "Deployment").deepCopy();
        ((ObjectNode) wrongType.path("spec").path("template").path("spec").path("containers").get(0).path("ports").get(0))
                .set("containerPort", new TextNode("eighty"));
        ObjectNode scaledObject = first(cpu, "ScaledObject").deepCopy();
        ((ObjectNode) scaledObject.path("spec")).remove("scaleTargetRef");
        ObjectNode hpa = first(cpu, "HorizontalPodAutoscaler").deepCopy();
        ((ObjectNode) hpa.path("spec")).put("minReplicas", "one");
        ObjectNode kafkaCr = first(kafka, "Kafka").deepCopy();
        ((ObjectNode) kafkaCr.path("spec").path("kafka")).put("listenerz", "plain");
        ObjectNode topic = first(kafka, "KafkaTopic").deepCopy();
        ((ObjectNode) topic.path("spec")).put("partitions", "eight");
        ObjectNode monitor = first(cpu, "ServiceMonitor").deepCopy();
        ((ObjectNode) monitor.path("spec")).put("endpoints", "http");

        for (JsonNode broken : List.of(unknownField, wrongType, scaledObject, hpa, kafkaCr, topic, monitor)) {
            List<String> problems = problems(List.of(broken));
            assertFalse(problems.isEmpty(), "a broken " + Kustomize.id(broken) + " must be rejected: " + broken);
        }
    }

    /** Every problem of every document; a document that no schema covers is a problem too. */
    private static List<String> problems(List<JsonNode> docs) throws Exception {
        List<SchemaCheck.Result> npm = schemas.validate(docs);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            JsonNode doc = docs.get(i);
            SchemaCheck.Result r = npm.get(i);
            Optional<ApiModels.Binding> bound = models.bind(doc);
            if (r.validator() == null && bound.isEmpty()) {
                problems.add(Kustomize.id(doc) + ": no schema covers " + doc.path("apiVersion").asText() + " " + doc.path("kind").asText());
            }
            r.errors().forEach(e -> problems.add(Kustomize.id(doc) + " [" + r.validator() + "] " + e));
            bound.ifPresent(b -> b.problems().forEach(p -> problems.add(Kustomize.id(doc) + " [" + b.model().getSimpleName() + "] " + p)));
        }
        return problems;
    }

    private static ObjectNode first(List<JsonNode> docs, String kind) {
        return (ObjectNode) docs.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
    }
}
