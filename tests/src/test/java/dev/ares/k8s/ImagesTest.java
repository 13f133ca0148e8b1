package dev.ares.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles (src/main/docker of each service) and the manifests agree: the image each overlay deploys is
 * the one its Dockerfile's build command tags, the images run as the user the pods require, expose the port the
 * probes use, copy the Quarkus fast-jar layout, and the GPU images bake the libtorch version and CUDA flavor
 * that the gpu overlay tells DJL to load. The images themselves cannot be built on the build machines (no Docker
 * engine, no GraalVM; docs/operations.md).
 */
class ImagesTest {
    private static final Pattern TAG = Pattern.compile("docker build -f (\\S+) -t (\\S+) ");
    private static Rendered cpu;
    private static Rendered gpu;

    @BeforeAll
    static void render() throws Exception {
        Optional<Path> kubectl = Kustomize.kubectl();
        assumeTrue(kubectl.isPresent(), "ASSUMPTION: kubectl is not installed (Debian package kubernetes-client), so the overlays cannot be rendered");
        cpu = new Rendered("cpu", Kustomize.render(kubectl.get(), Kustomize.repoRoot().resolve("k8s/overlays/cpu")));
        gpu = new Rendered("gpu", Kustomize.render(kubectl.get(), Kustomize.repoRoot().resolve("k8s/overlays/gpu")));
    }

    @Test
    void jvmImagesMatchTheCpuOverlay() throws IOException {
        for (String s : Rendered.SERVICES) {
            String dockerfile = dockerfile(s, "Dockerfile.jvm");
            assertEquals(cpu.container(s).path("image").asText(), taggedImage(s, "Dockerfile.jvm", dockerfile), s);
            checkRuntime(s, dockerfile, cpu);
            for (String layer : List.of("target/quarkus-app/lib/", "target/quarkus-app/app/", "target/quarkus-app/quarkus/", "target/quarkus-app/*.jar")) {
                assertTrue(dockerfile.contains("COPY --chown=185 " + layer), s + " copies the fast-jar layer " + layer);
            }
        }
    }

    @Test
    void gpuImagesBakeTheLibtorchTheOverlayLoads() throws IOException {
        for (String s : List.of("rollout-service", "learner-service", "inference-service")) {
            String dockerfile = dockerfile(s, "Dockerfile.gpu");
            assertEquals(gpu.container(s).path("image").asText(), taggedImage(s, "Dockerfile.gpu", dockerfile), s);
            checkRuntime(s, dockerfile, gpu);
            assertEquals(gpu.env(s, "PYTORCH_VERSION").orElseThrow(), arg(dockerfile, "LIBTORCH_VERSION"), s);
            assertEquals(gpu.env(s, "PYTORCH_FLAVOR").orElseThrow(), arg(dockerfile, "LIBTORCH_FLAVOR"), s);
            String lib = gpu.env(s, "PYTORCH_LIBRARY_PATH").orElseThrow();
            assertTrue(dockerfile.contains("PYTORCH_LIBRARY_PATH=" + lib), s + ": the image has libtorch at " + lib);
            String cuda = arg(dockerfile, "LIBTORCH_FLAVOR").substring(2);
            assertTrue(dockerfile.contains("FROM nvidia/cuda:" + cuda.substring(0, 2) + "." + cuda.substring(2) + "."),
                    s + ": the CUDA base image matches the libtorch flavor cu" + cuda);
        }
    }

    @Test
    void rewardServiceHasANativeImage() throws IOException {
        String dockerfile = dockerfile("reward-service", "Dockerfile.native");
        assertTrue(dockerfile.contains("target/*-runner"), "copies the native executable");
        String image = taggedImage("reward-service", "Dockerfile.native", dockerfile);
        assertTrue(image.startsWith(cpu.container("reward-service").path("image").asText()),
                "the native image is a tag of the same repository as the JVM one: " + image);
        checkRuntime("reward-service", dockerfile, cpu);
    }

    private static void checkRuntime(String s, String dockerfile, Rendered r) {
        JsonNode pod = r.podSpec(s);
        int uid = pod.path("securityContext").path("runAsUser").asInt();
        assertTrue(dockerfile.contains("\nUSER " + uid + "\n"), s + ": the image runs as the pods' user " + uid);
        int port = r.container(s).path("ports").get(0).path("containerPort").asInt();
        assertTrue(dockerfile.contains("\nEXPOSE " + port + "\n"), s + ": the image exposes " + port);
    }

    private static String dockerfile(String service, String name) throws IOException {
        Path p = Kustomize.repoRoot().resolve(service).resolve("src/main/docker").resolve(name);
        assertTrue(Files.isRegularFile(p), p + " exists");
        return Files.readString(p);
    }

    private static String taggedImage(String service, String name, String dockerfile) {
        Matcher m = TAG.matcher(dockerfile);
        assertTrue(m.find(), service + "/" + name + " documents its docker build command");
        assertEquals(service + "/src/main/docker/" + name, m.group(1), "the build command uses this file");
        return m.group(2);
    }

    private static String arg(String dockerfile, String name) {
        Matcher m = Pattern.compile("\nARG " + name + "=(\\S+)\n").matcher(dockerfile);
        assertTrue(m.find(), "ARG " + name);
        return m.group(1);
    }
}
