package dev.ares.model.engine;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.ServingEngine;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.FinishReason;
import dev.ares.model.generation.GenerationResult;
import java.util.ArrayList;
import java.util.List;

/**
 * inference-service's compute step on the DJL runtime (architecture.md §7): chat messages through the model's
 * chat template, raw text, or token ids; {@code n} choices in one batch; the policy version that answered.
 * Requests are served one batch at a time per model until continuous batching lands.
 */
public final class ModelServingEngine implements ServingEngine {
    private final PolicyHolder policy;
    private final String modelId;

    public ModelServingEngine(PolicyHolder policy, String modelId) {
        this.policy = policy;
        this.modelId = modelId;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public long policyVersion() {
        return Math.max(0, policy.version());
    }

    @Override
    public Completion complete(Request request) {
        return policy.withPolicy(p -> {
            int[] prompt = request.promptIds() != null ? request.promptIds()
                    : request.promptText() != null ? p.encode(request.promptText()) : p.encodeChat(request.messages());
            if (prompt.length == 0) {
                throw new IllegalArgumentException("the prompt encodes to no tokens");
            }
            List<GenerationResult> results = p.sample(prompt, request.sampling(), request.n(), request.topLogprobs());
            List<Choice> choices = new ArrayList<>(results.size());
            Integer open = p.specialId("<think>");
            Integer close = p.specialId("</think>");
            for (GenerationResult r : results) {
                choices.add(new Choice(p.decode(r.ids()), r.ids(), r.sampledLogprobs(), r.entropies(), p.triggers().flags(r.ids()),
                        thinkTokens(prompt, r.ids(), open, close), r.finishReason() == FinishReason.LENGTH ? "length" : "stop"));
            }
            return new Completion(prompt, choices, p.version());
        });
    }

    /**
     * Generated tokens that belong to the reasoning: up to and including {@code </think>}; all of them when the
     * reasoning was opened (in the prompt or the response) and never closed; 0 otherwise.
     */
    static int thinkTokens(int[] prompt, int[] ids, Integer open, Integer close) {
        if (close != null) {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == close) {
                    return i + 1;
                }
            }
        }
        if (open != null) {
            for (int id : ids) {
                if (id == open) {
                    return ids.length;
                }
            }
            for (int i = prompt.length - 1; i >= 0 && i >= prompt.length - 4; i--) {
                if (prompt[i] == open) {
                    return ids.length;
                }
            }
        }
        return 0;
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
