package dev.ares.rollout;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.RolloutEngine;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.testkit.Records;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test double of the generation step: a deterministic group per request (8 tokens per trajectory); rejects prompts
 * that say "reject"; records the batches handed to {@link #generateAll}.
 */
@Alternative
@Priority(1)
@Singleton
public class FakeRolloutEngine implements RolloutEngine {
    volatile boolean ready = true;
    final AtomicLong lastCheckpoint = new AtomicLong(-1);
    /** Group ids of every generateAll batch, in call order. */
    final List<List<String>> batches = new CopyOnWriteArrayList<>();

    @Override
    public List<Outcome> generateAll(List<RolloutRequest> requests) {
        List<String> ids = new ArrayList<>();
        for (RolloutRequest r : requests) {
            ids.add(r.groupId());
        }
        batches.add(ids);
        return RolloutEngine.super.generateAll(requests);
    }

    @Override
    public RolloutGroup generate(RolloutRequest request) {
        if (request.prompt().messages().get(0).content().contains("reject")) {
            throw new IllegalArgumentException("prompt rejected by the engine");
        }
        return Records.group(request, 8, request.groupId().hashCode());
    }

    @Override
    public void onCheckpoint(CheckpointEvent event) {
        lastCheckpoint.set(event.version());
    }

    @Override
    public Readiness readiness() {
        return ready ? Readiness.up("policy v0 loaded") : Readiness.down("no model loaded: test says so");
    }
}
