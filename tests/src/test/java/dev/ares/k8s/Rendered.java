package dev.ares.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** Look-ups over one rendered kustomization (a list of documents) for the manifest tests. */
record Rendered(String name, List<JsonNode> docs) {

    /** The four services, which k8s/base deploys under their own names. */
    static final List<String> SERVICES = List.of("rollout-service", "reward-service", "learner-service", "inference-service");

    List<JsonNode> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(d -> name.equals(d.path("metadata").path("name").asText())).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(this.name + ": no " + kind + "/" + name + " rendered"));
    }

    /** The first (and in ARES only) container of a Deployment's pod template. */
    JsonNode container(String deployment) {
        JsonNode containers = get("Deployment", deployment).path("spec").path("template").path("spec").path("containers");
        if (containers.size() != 1) {
            throw new AssertionError(this.name + ": Deployment/" + deployment + " has " + containers.size() + " containers, expected 1");
        }
        return containers.get(0);
    }

    JsonNode podSpec(String deployment) {
        return get("Deployment", deployment).path("spec").path("template").path("spec");
    }

    /** The data of the one ConfigMap a Deployment's container takes its environment from. */
    Map<String, String> envFromConfig(String deployment) {
        JsonNode envFrom = container(deployment).path("envFrom");
        String cm = StreamSupport.stream(envFrom.spliterator(), false).map(e -> e.path("configMapRef").path("name").asText(null))
                .filter(n -> n != null).findFirst()
                .orElseThrow(() -> new AssertionError(this.name + ": Deployment/" + deployment + " takes no environment from a ConfigMap"));
        JsonNode data = get("ConfigMap", cm).path("data");
        return StreamSupport.stream(((Iterable<Map.Entry<String, JsonNode>>) data::fields).spliterator(), false)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().asText()));
    }

    /** The value of a plain (value:) environment variable of a Deployment's container, if set. */
    Optional<String> env(String deployment, String variable) {
        for (JsonNode e : container(deployment).path("env")) {
            if (variable.equals(e.path("name").asText()) && e.has("value")) {
                return Optional.of(e.path("value").asText());
            }
        }
        return Optional.empty();
    }
}
