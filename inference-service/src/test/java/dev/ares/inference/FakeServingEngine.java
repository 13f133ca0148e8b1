package dev.ares.inference;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.ServingEngine;
import dev.ares.core.protocol.CheckpointEvent;
import io.quarkus.arc.properties.UnlessBuildProperty;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;
import java.util.ArrayList;
import java.util.List;

/**
 * Test double of the serving step: echoes the prompt length as tokens; holds the last checkpoint version. Left out of
 * the tests that serve the real fixture model ({@code ares.test.real-model=true}, see {@link RealModelProfile}).
 */
@UnlessBuildProperty(name = "ares.test.real-model", stringValue = "true", enableIfMissing = true)
@Alternative
@Priority(1)
@Singleton
public class FakeServingEngine implements ServingEngine {
    volatile long version = 0;

    @Override
    public String modelId() {
        return "ares-test";
    }

    @Override
    public long policyVersion() {
        return version;
    }

    @Override
    public Completion complete(Request request) {
        int[] prompt = request.promptIds() != null ? request.promptIds()
                : (request.promptText() != null ? request.promptText() : request.messages().get(0).content()).chars().toArray();
        List<Choice> choices = new ArrayList<>();
        for (int i = 0; i < request.n(); i++) {
            int len = Math.min(request.sampling().maxNewTokens(), 3);
            int[] ids = new int[len];
            for (int t = 0; t < len; t++) {
                ids[t] = prompt.length + t + i;
            }
            choices.add(new Choice("<think>hm</think> out" + i, ids, new float[len], new float[len], new boolean[len], 1, "length"));
        }
        return new Completion(prompt, choices, version);
    }

    @Override
    public void onCheckpoint(CheckpointEvent event) {
        version = Math.max(version, event.version());
    }

    @Override
    public Readiness readiness() {
        return Readiness.up("model ares-test loaded");
    }
}
