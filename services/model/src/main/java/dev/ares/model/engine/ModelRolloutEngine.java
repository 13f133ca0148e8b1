package dev.ares.model.engine;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.RolloutEngine;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.Timings;
import dev.ares.core.protocol.Trajectory;
import dev.ares.model.generation.GenerationResult;
import java.util.ArrayList;
import java.util.List;

/**
 * rollout-service's compute step on the DJL runtime, {@code iid} mode (architecture.md §5; the official code's
 * behaviour): the request's {@code n} samples of its prompt in one batch, each with its token ids, text, behaviour
 * logprobs under the truncated sampling distribution, untruncated logprobs at temperature 1, exact entropies at
 * the sampling temperature, and trigger flags of the sampled tokens. {@code hwe-branch} requests are refused with
 * a clear error (dead-lettered) until branching generation exists.
 */
public final class ModelRolloutEngine implements RolloutEngine {
    private final PolicyHolder policy;

    public ModelRolloutEngine(PolicyHolder policy) {
        this.policy = policy;
    }

    @Override
    public RolloutGroup generate(RolloutRequest request) {
        if (request.explorationMode() != ExplorationMode.IID) {
            throw new IllegalArgumentException("exploration mode " + request.explorationMode()
                    + " is not supported by this rollout engine yet; use IID");
        }
        return policy.withPolicy(p -> {
            long t0 = System.nanoTime();
            int[] prompt = p.encodeChat(request.prompt().messages());
            SamplingParams sp = request.sampling();
            List<GenerationResult> results = p.sample(prompt, sp, request.n(), 0);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            List<Trajectory> trajectories = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                GenerationResult r = results.get(i);
                trajectories.add(new Trajectory(request.groupId() + "/" + i, r.ids(), p.decode(r.ids()), r.sampledLogprobs(),
                        r.modelLogprobs(), r.entropies(), p.triggers().flags(r.ids()), null, -1, r.finishReason(),
                        p.version(), new Timings(millis, prompt.length, r.ids().length)));
            }
            return new RolloutGroup(request.runId(), request.step(), request.groupsInStep(), request.groupId(), request.requestId(),
                    request.prompt().referenceAnswer(), request.prompt().source(), sp, prompt, trajectories);
        });
    }

    @Override
    public void onCheckpoint(CheckpointEvent event) {
        policy.onCheckpoint(event);
    }

    @Override
    public Readiness readiness() {
        return policy.readiness();
    }
}
