package dev.ares.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds a rendered document to the published Java model of its API (fabric8's Kubernetes and Prometheus Operator
 * models, Strimzi's {@code io.strimzi:api}) and reports everything the model does not accept.
 *
 * <p>These models keep unknown fields in an {@code additionalProperties} map instead of failing, so after a
 * successful binding the whole object graph is walked: any non-empty {@code additionalProperties} is a field the
 * API does not have (a typo, a wrong nesting level, a field of another version). Type errors (a string where an
 * integer belongs, a list where an object belongs) fail the binding itself.
 */
final class ApiModels {
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    ApiModels() {
        // the Strimzi classes serve both kafka.strimzi.io/v1beta2 (what k8s/kafka uses) and v1; register both
        for (String version : List.of("kafka.strimzi.io/v1beta2", "kafka.strimzi.io/v1")) {
            serialization.registerKubernetesResource(version, "Kafka", Kafka.class);
            serialization.registerKubernetesResource(version, "KafkaNodePool", KafkaNodePool.class);
            serialization.registerKubernetesResource(version, "KafkaTopic", KafkaTopic.class);
        }
    }

    /** Result of a binding: the model class used, and the problems found (empty when the document is valid). */
    record Binding(Class<?> model, List<String> problems) {
    }

    /**
     * Binds one document.
     *
     * @return empty when no model on the classpath has the document's apiVersion and kind
     */
    Optional<Binding> bind(JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText(null);
        String kind = doc.path("kind").asText(null);
        if (apiVersion == null || kind == null) {
            return Optional.of(new Binding(null, List.of("apiVersion and kind are required")));
        }
        Class<? extends KubernetesResource> cls = serialization.getRegisteredKubernetesResource(apiVersion, kind);
        if (cls == null || cls == GenericKubernetesResource.class) {
            return Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        try {
            Object bound = serialization.convertValue(doc, cls);
            walk(bound, "", problems, new IdentityHashMap<>());
        } catch (IllegalArgumentException e) {
            problems.add("does not bind to " + cls.getName() + ": " + e.getMessage());
        }
        return Optional.of(new Binding(cls, problems));
    }

    private static void walk(Object o, String path, List<String> problems, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "/" + i++, problems, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getValue(), path + "/" + e.getKey(), problems, seen);
            }
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.") && !pkg.startsWith("io.strimzi.")) {
            return;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                Object value;
                try {
                    f.setAccessible(true);
                    value = f.get(o);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (f.getName().equals("additionalProperties") && value instanceof Map<?, ?> extra) {
                    if (!extra.isEmpty()) {
                        problems.add((path.isEmpty() ? "/" : path) + ": unknown field(s) " + extra.keySet()
                                + " for " + o.getClass().getSimpleName());
                    }
                } else {
                    walk(value, path + "/" + f.getName(), problems, seen);
                }
            }
        }
    }
}
