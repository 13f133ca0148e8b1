package dev.ares.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ares.kafkalocal.TopicSpec;
import dev.ares.kafkalocal.TopicsFile;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the rendered overlays promise, checked against independent sources: the services' application.properties
 * (consumer group and topic the KEDA trigger reads), kafka-topics/topics.yaml (partitions that bound the rollout
 * replicas, the Strimzi cluster name, the largest record), the Strimzi Kafka resource (the bootstrap service the
 * services connect to) and the operational rules (probes, non-root read-only pods, one learner, one active
 * scorer, GPU only where a model runs).
 */
class ManifestShapeTest {
    private static final Set<String> MODEL_SERVICES = Set.of("rollout-service", "learner-service", "inference-service");
    private static Rendered cpu;
    private static Rendered gpu;
    private static Rendered kafka;
    private static Rendered smallKafka;
    private static TopicsFile topics;

    @BeforeAll
    static void render() throws Exception {
        Optional<Path> kubectl = Kustomize.kubectl();
        assumeTrue(kubectl.isPresent(), "ASSUMPTION: kubectl is not installed, so the overlays cannot be rendered here; "
                + "install the Debian package kubernetes-client (kubectl 1.20, kustomize v2.0.3) or set ares.kubectl");
        Path repo = Kustomize.repoRoot();
        cpu = new Rendered("cpu", Kustomize.render(kubectl.get(), repo.resolve("k8s/overlays/cpu")));
        gpu = new Rendered("gpu", Kustomize.render(kubectl.get(), repo.resolve("k8s/overlays/gpu")));
        kafka = new Rendered("kafka", Kustomize.render(kubectl.get(), repo.resolve("k8s/kafka")));
        smallKafka = new Rendered("cpu/kafka", Kustomize.render(kubectl.get(), repo.resolve("k8s/overlays/cpu/kafka")));
        topics = TopicsFile.load(repo.resolve(TopicsFile.RELATIVE_PATH));
    }

    private static Rendered overlay(String name) {
        return name.equals("cpu") ? cpu : gpu;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyServiceHasProbesResourcesAndALockedDownPod(String name) {
        Rendered r = overlay(name);
        assertEquals(new TreeSet<>(Rendered.SERVICES), names(r.ofKind("Deployment")), name + ": one Deployment per service");
        for (String s : Rendered.SERVICES) {
            JsonNode c = r.container(s);
            assertEquals("/q/health/live", c.path("livenessProbe").path("httpGet").path("path").asText(), s);
            assertEquals("/q/health/ready", c.path("readinessProbe").path("httpGet").path("path").asText(), s);
            assertEquals(8080, c.path("readinessProbe").path("httpGet").path("port").asInt(), s);
            assertEquals(8080, c.path("ports").get(0).path("containerPort").asInt(), s);
            for (String res : List.of("cpu", "memory")) {
                Quantity req = new Quantity(c.path("resources").path("requests").path(res).asText());
                Quantity lim = new Quantity(c.path("resources").path("limits").path(res).asText());
                assertTrue(Quantity.getAmountInBytes(req).signum() > 0, s + " requests " + res);
                assertTrue(Quantity.getAmountInBytes(req).compareTo(Quantity.getAmountInBytes(lim)) <= 0, s + ": " + res + " request <= limit");
            }
            JsonNode pod = r.podSpec(s);
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), s + " runs as non-root");
            assertTrue(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean(), s + " has a read-only root filesystem");
            assertFalse(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true), s + " cannot escalate");
            assertEquals("/data", mountOf(r, s, "persistentVolumeClaim"), s + " mounts the shared volume at /data");
            assertEquals("/tmp", mountOf(r, s, "emptyDir"), s + " writes temporary files to an emptyDir");

            Map<String, String> config = r.envFromConfig(s);
            assertEquals("/data/checkpoints", config.get("ARES_CHECKPOINTS_ROOT"), s);
            assertEquals("/data/blobs", config.get("ARES_BLOBS_ROOT"), s);
            assertEquals(strimziBootstrap(), config.get("KAFKA_BOOTSTRAP_SERVERS"), s + " connects to the Strimzi bootstrap service");

            JsonNode pdb = r.get("PodDisruptionBudget", s);
            assertEquals(r.get("Deployment", s).path("spec").path("selector").path("matchLabels"),
                    pdb.path("spec").path("selector").path("matchLabels"), s + ": the PDB selects the Deployment's pods");
        }
        JsonNode pvc = r.get("PersistentVolumeClaim", claimOf(r, "learner-service"));
        assertEquals("ReadWriteMany", pvc.path("spec").path("accessModes").get(0).asText(), "pods on any node share checkpoints");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void learnerAndScorerAreSingleAndTheOthersAutoscale(String name) throws IOException {
        Rendered r = overlay(name);
        JsonNode learner = r.get("Deployment", "learner-service").path("spec");
        assertEquals(1, learner.path("replicas").asInt(), "one learner");
        assertEquals("Recreate", learner.path("strategy").path("type").asText(), "the old learner stops before the new one starts");
        assertEquals(1, r.get("Deployment", "reward-service").path("spec").path("replicas").asInt(), "one active scorer");
        assertTrue(topics.topic("ares.rollouts").orElseThrow().partitions() == 1,
                "ares.rollouts has one partition, so a second reward replica could only be a standby");

        for (String s : List.of("rollout-service", "inference-service")) {
            assertFalse(r.get("Deployment", s).path("spec").has("replicas"), name + ": the autoscaler owns the replicas of " + s);
        }
        JsonNode so = r.get("ScaledObject", "rollout-service").path("spec");
        assertEquals("rollout-service", so.path("scaleTargetRef").path("name").asText());
        JsonNode trigger = so.path("triggers").get(0);
        assertEquals("kafka", trigger.path("type").asText());
        Properties rollout = properties("rollout-service");
        assertEquals(rollout.getProperty("mp.messaging.incoming.requests.group.id"), trigger.path("metadata").path("consumerGroup").asText(),
                "KEDA reads the lag of the group rollout-service consumes in");
        String topic = rollout.getProperty("mp.messaging.incoming.requests.topic");
        assertEquals(topic, trigger.path("metadata").path("topic").asText());
        assertEquals(strimziBootstrap(), trigger.path("metadata").path("bootstrapServers").asText());
        int min = so.path("minReplicaCount").asInt();
        int max = so.path("maxReplicaCount").asInt();
        TopicSpec requests = topics.topic(topic).orElseThrow();
        assertTrue(min >= 1 && min <= max, name + ": 1 <= min <= max");
        assertTrue(max <= requests.partitions(), name + ": more rollout pods than the " + requests.partitions() + " partitions would idle");

        JsonNode hpa = r.get("HorizontalPodAutoscaler", "inference-service").path("spec");
        assertEquals("Deployment", hpa.path("scaleTargetRef").path("kind").asText());
        assertEquals("inference-service", hpa.path("scaleTargetRef").path("name").asText());
        assertTrue(hpa.path("minReplicas").asInt() >= 1 && hpa.path("minReplicas").asInt() <= hpa.path("maxReplicas").asInt());

        JsonNode keys = r.container("inference-service").path("env");
        JsonNode apiKeys = null;
        for (JsonNode e : keys) {
            if (e.path("valueFrom").has("secretKeyRef")) {
                apiKeys = e.path("valueFrom").path("secretKeyRef");
            }
        }
        assertNotNull(apiKeys, "inference-service takes its API keys from a Secret");
        assertTrue(r.ofKind("Secret").isEmpty(), "no Secret is committed: the operator creates " + apiKeys.path("name").asText());
    }

    @Test
    void gpuOverlayGivesAGpuExactlyToTheModelServices() {
        assertTrue(cpu.docs().stream().noneMatch(d -> d.toString().contains("nvidia.com/gpu")), "the cpu overlay asks for no GPU");
        for (String s : Rendered.SERVICES) {
            JsonNode c = gpu.container(s);
            JsonNode pod = gpu.podSpec(s);
            boolean model = MODEL_SERVICES.contains(s);
            assertEquals(model, c.path("resources").path("limits").has("nvidia.com/gpu"), s + " GPU limit");
            assertEquals(model, pod.path("tolerations").toString().contains("nvidia.com/gpu"), s + " GPU toleration");
            assertEquals(model, pod.path("nodeSelector").size() > 0, s + " GPU node selector");
            if (model) {
                assertEquals(1, c.path("resources").path("limits").path("nvidia.com/gpu").asInt(), s);
                assertEquals(Optional.of("gpu"), gpu.env(s, "ARES_DEVICE"), s + " runs the model on the GPU");
                assertEquals(Optional.of("2.7.1"), gpu.env(s, "PYTORCH_VERSION"), s + ": libtorch 2.7.1 (architecture.md §6)");
                String flavor = gpu.env(s, "PYTORCH_FLAVOR").orElseThrow(() -> new AssertionError(s + " sets PYTORCH_FLAVOR"));
                assertTrue(flavor.matches("cu\\d{3}"), s + ": a CUDA flavor, got " + flavor);
                assertTrue(gpu.env(s, "PYTORCH_LIBRARY_PATH").isPresent(), s + " points DJL at the baked libtorch");
                assertTrue(c.path("image").asText().endsWith("-" + flavor), s + ": the image is the " + flavor + " build: " + c.path("image").asText());
            } else {
                assertEquals(Optional.empty(), gpu.env(s, "ARES_DEVICE"), s + " keeps the ConfigMap's device");
            }
        }
        int cpuMax = cpu.get("ScaledObject", "rollout-service").path("spec").path("maxReplicaCount").asInt();
        int gpuMax = gpu.get("ScaledObject", "rollout-service").path("spec").path("maxReplicaCount").asInt();
        assertTrue(gpuMax > cpuMax, "the gpu overlay scales rollout further than the laptop overlay");
    }

    @ParameterizedTest
    @ValueSource(strings = {"kafka", "cpu/kafka"})
    void kafkaClusterCarriesEveryTopicOfTopicsYaml(String name) {
        Rendered kafka = name.equals("kafka") ? ManifestShapeTest.kafka : smallKafka;
        JsonNode cluster = kafka.ofKind("Kafka").get(0);
        assertEquals(topics.strimziCluster(), cluster.path("metadata").path("name").asText(), "the topics' strimzi.io/cluster is this Kafka");
        assertEquals("enabled", cluster.path("metadata").path("annotations").path("strimzi.io/kraft").asText(), "KRaft, no ZooKeeper");
        JsonNode config = cluster.path("spec").path("kafka").path("config");
        assertTrue(config.path("message.max.bytes").asLong() >= topics.largestMaxMessageBytes(),
                "the brokers accept the largest record of topics.yaml");
        JsonNode pool = kafka.ofKind("KafkaNodePool").get(0);
        assertEquals(topics.strimziCluster(), pool.path("metadata").path("labels").path("strimzi.io/cluster").asText());
        int brokers = pool.path("spec").path("replicas").asInt();
        int minIsr = config.path("min.insync.replicas").asInt();

        List<JsonNode> rendered = kafka.ofKind("KafkaTopic");
        assertEquals(topics.topics().size(), rendered.size(), "one KafkaTopic per topic of topics.yaml");
        for (TopicSpec t : topics.topics()) {
            JsonNode kt = rendered.stream().filter(d -> t.name().equals(d.path("spec").path("topicName").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError("topics.yaml topic " + t.name() + " is not deployed by k8s/kafka"));
            assertEquals(topics.strimziCluster(), kt.path("metadata").path("labels").path("strimzi.io/cluster").asText(), t.name());
            assertEquals(t.partitions(), kt.path("spec").path("partitions").asInt(), t.name());
            assertEquals(t.replicationFactor(), kt.path("spec").path("replicas").asInt(), t.name());
            assertTrue(t.replicationFactor() <= brokers, t.name() + ": replicas fit the " + brokers + " brokers");
            assertTrue(minIsr < t.replicationFactor(), t.name() + ": one broker down still leaves min.insync.replicas");
        }
        // the values of each KafkaTopic are compared with topics.yaml by StrimziTopicsGeneratorTest (services/kafka-local)
    }

    /** host:port of the Strimzi bootstrap service for the plain listener of k8s/kafka's Kafka resource. */
    private static String strimziBootstrap() {
        JsonNode cluster = kafka.ofKind("Kafka").get(0);
        for (JsonNode l : cluster.path("spec").path("kafka").path("listeners")) {
            if (!l.path("tls").asBoolean() && "internal".equals(l.path("type").asText())) {
                return cluster.path("metadata").path("name").asText() + "-kafka-bootstrap:" + l.path("port").asInt();
            }
        }
        throw new AssertionError("k8s/kafka has no internal plain listener");
    }

    private static String mountOf(Rendered r, String deployment, String volumeType) {
        for (JsonNode v : r.podSpec(deployment).path("volumes")) {
            if (v.has(volumeType)) {
                for (JsonNode m : r.container(deployment).path("volumeMounts")) {
                    if (v.path("name").asText().equals(m.path("name").asText())) {
                        return m.path("mountPath").asText();
                    }
                }
            }
        }
        return null;
    }

    private static String claimOf(Rendered r, String deployment) {
        for (JsonNode v : r.podSpec(deployment).path("volumes")) {
            if (v.has("persistentVolumeClaim")) {
                return v.path("persistentVolumeClaim").path("claimName").asText();
            }
        }
        throw new AssertionError(deployment + " mounts no PersistentVolumeClaim");
    }

    private static Set<String> names(List<JsonNode> docs) {
        Set<String> names = new TreeSet<>();
        docs.forEach(d -> names.add(d.path("metadata").path("name").asText()));
        return names;
    }

    static Properties properties(String service) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Kustomize.repoRoot().resolve(service).resolve("src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }
}
