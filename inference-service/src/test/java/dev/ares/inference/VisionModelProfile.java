package dev.ares.inference;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves the qwen2_5_vl-tiny fixture (shared/fixtures/hf-reference), a Qwen2.5-VL model, with at most two images per
 * request (docs/inference.md "Images").
 */
public class VisionModelProfile implements QuarkusTestProfile {
    /** The fixture folder. */
    static Path fixture() {
        return RealModelProfile.fixture().resolveSibling("qwen2_5_vl-tiny");
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("ares.test.real-model", "true"),
                Map.entry("ares.model.dir", fixture().toString()),
                Map.entry("ares.model.name", "qwen2_5_vl-tiny"),
                Map.entry("ares.checkpoints.root", RealModelProfile.checkpoints().toString()),
                Map.entry("ares.inference.max-tokens", "64"),
                Map.entry("ares.inference.images.max-per-request", "2"));
    }

    @Override
    public String getConfigProfile() {
        return "real-model";
    }
}
