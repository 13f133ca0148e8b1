package dev.ares.inference;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ares.core.checkpoint.Checkpoint;
import dev.ares.core.checkpoint.CheckpointInfo;
import dev.ares.core.checkpoint.CheckpointStore;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.CheckpointKind;
import dev.ares.core.protocol.Codecs;
import dev.ares.testkit.LocalKafkaResource;
import dev.ares.testkit.TopicProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * reliability.md scenario 16: a new version published on ares.checkpoints while 20 requests stream. In-flight
 * requests finish (200, complete streams, on the old version); new requests report the new version in the
 * response header, the body and /v1/models. A corrupt checkpoint is rejected by checksum, the old version keeps
 * serving and readiness stays UP. (The new version holds the same fixture weights: the Q tier checks the swap, not
 * different numbers.)
 */
@QuarkusTest
@TestProfile(RealModelProfile.class)
@WithTestResource(LocalKafkaResource.class)
class Scenario16HotSwapTest {
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private static Checkpoint publishable(long version) throws Exception {
        CheckpointStore store = new CheckpointStore(RealModelProfile.checkpoints());
        Map<String, Path> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(RealModelProfile.fixture())) {
            s.filter(p -> !p.getFileName().toString().startsWith("expected")).forEach(p -> files.put(p.getFileName().toString(), p));
        }
        return store.copyFiles(new CheckpointInfo(version, version * 10, CheckpointKind.FULL, null, Map.of()), files);
    }

    private static CheckpointEvent event(Checkpoint c, long version) {
        return new CheckpointEvent("ares-demo", version, version * 10, c.directory().toUri().toString(), CheckpointKind.FULL, null,
                c.manifestSha256(), Map.of());
    }

    private static long servedVersion() {
        return given().get("/v1/models").then().statusCode(200).extract().jsonPath().getLong("data[0].ares.policy_version");
    }

    private static void awaitVersion(long v) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (servedVersion() != v && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(v, servedVersion());
    }

    @Test
    void newVersionSwapsWithoutFailingStreamsAndACorruptOneIsRejected() throws Exception {
        Support.awaitReady();
        long v = 1000 + (System.nanoTime() & 0xfff);
        Checkpoint good = publishable(v);
        List<CompletableFuture<Response>> streams = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String body = "{\"prompt\":\"stream " + i + "\",\"max_tokens\":48,\"seed\":" + i + ",\"stream\":true}";
            streams.add(CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON).body(body).post("/v1/completions")));
        }
        Thread.sleep(50);
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            probe.send("ares.checkpoints", "ares-demo", Codecs.checkpointEvent().encode(event(good, v)));
        }
        for (CompletableFuture<Response> f : streams) {
            Response r = f.get(120, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.asString());
            List<String> events = Support.events(r.asString());
            assertEquals("[DONE]", events.get(events.size() - 1));
            JsonNode last = Support.parse(events.get(events.size() - 2));
            assertTrue(!last.at("/choices/0/finish_reason").isNull(), "every stream finished its choice");
        }
        awaitVersion(v);
        Response after = given().contentType(ContentType.JSON).body("{\"prompt\":\"after\",\"max_tokens\":2}").post("/v1/completions");
        assertEquals(200, after.statusCode());
        assertEquals(Long.toString(v), after.header(Exchange.POLICY_HEADER));
        assertEquals(v, after.jsonPath().getLong("ares.policy_version"));

        long bad = v + 1;
        Checkpoint corrupt = publishable(bad);
        Path weights = corrupt.directory().resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(weights, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        try (TopicProbe probe = new TopicProbe(bootstrap)) {
            probe.send("ares.checkpoints", "ares-demo", Codecs.checkpointEvent().encode(event(corrupt, bad)));
            probe.await("ares.checkpoints.dlq", rec -> {
                try {
                    return Codecs.checkpointEvent().decode(rec.value()).version() == bad;
                } catch (RuntimeException e) {
                    return false;
                }
            }, java.time.Duration.ofSeconds(60));
        }
        assertEquals(v, servedVersion(), "the corrupt checkpoint was not served");
        given().get("/q/health/ready").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"prompt\":\"still\",\"max_tokens\":2}").post("/v1/completions")
                .then().statusCode(200);
    }
}
