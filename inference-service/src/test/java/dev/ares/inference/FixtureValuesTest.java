package dev.ares.inference;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ares.model.weights.SafetensorsFile;
import dev.ares.testkit.LocalKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The numbers the API reports, against the qwen2-tiny fixture's float64 reference (shared/fixtures/hf-reference):
 * for row 0 of {@code input_ids} as a token-id prompt, one greedy token is the fixture's next greedy id, its
 * {@code logprobs} entry is {@code log_softmax(logits_f64[0, 16])} at that id and at the runner-up, and the
 * {@code ares.mean_entropy} of that one-token choice is the entropy of the same distribution ({@code entropy_f64[0, 16]};
 * docs/inference.md "Log-probabilities").
 */
@QuarkusTest
@TestProfile(RealModelProfile.class)
@WithTestResource(LocalKafkaResource.class)
class FixtureValuesTest {
    private static final int T = 17;

    @BeforeEach
    void ready() throws InterruptedException {
        Support.awaitReady();
    }

    @Test
    void oneGreedyTokenReportsTheReferenceLogprobsAndEntropy() throws Exception {
        long[] input;
        long next;
        double[] logits = new double[384];
        double reference;
        try (SafetensorsFile f = SafetensorsFile.open(RealModelProfile.fixture().resolve("expected.safetensors"));
             ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            input = Arrays.copyOf(f.load("input_ids", m, null).toLongArray(), T);
            next = f.load("greedy_ids", m, null).toLongArray()[T];
            System.arraycopy(f.load("logits_f64", m, null).toDoubleArray(), (T - 1) * 384, logits, 0, 384);
            reference = f.load("entropy_f64", m, null).toDoubleArray()[T - 1];
        }
        double max = Arrays.stream(logits).max().orElseThrow();
        double z = max + Math.log(Arrays.stream(logits).map(l -> Math.exp(l - max)).sum());
        double entropy = 0;
        int best = -1;
        int second = -1;
        for (int i = 0; i < logits.length; i++) {
            double lp = logits[i] - z;
            entropy -= Math.exp(lp) * lp;
            if (best < 0 || logits[i] > logits[best]) {
                second = best;
                best = i;
            } else if (second < 0 || logits[i] > logits[second]) {
                second = i;
            }
        }
        assertEquals(next, best, "the fixture's greedy id is the argmax of its logits");
        assertEquals(reference, entropy, 1e-9, "entropy_f64 is the entropy of softmax(logits_f64)");

        String prompt = Arrays.stream(input).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
        JsonNode r = Support.parse(given().contentType(ContentType.JSON)
                .body("{\"prompt\":" + prompt + ",\"max_tokens\":1,\"temperature\":0,\"logprobs\":2,\"return_token_ids\":true}")
                .post("/v1/completions").then().statusCode(200).extract().asString());
        assertEquals(next, r.at("/choices/0/token_ids/0").asLong());
        assertEquals(logits[best] - z, r.at("/choices/0/logprobs/token_logprobs/0").asDouble(), 2e-4);
        JsonNode top = r.at("/choices/0/logprobs/top_logprobs/0");
        assertEquals(2, top.size(), top.toString());
        double[] alts = new double[2];
        int k = 0;
        for (JsonNode v : top) {
            alts[k++] = v.asDouble();
        }
        assertEquals(logits[best] - z, alts[0], 2e-4);
        assertEquals(logits[second] - z, alts[1], 2e-4);
        assertEquals(reference, r.at("/choices/0/ares/mean_entropy").asDouble(), 2e-4);
        assertEquals(0, r.at("/choices/0/ares/think_tokens").asInt());
    }
}
