package dev.ares.model.engine;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.ServingEngine;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.FinishReason;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.TokenAlternative;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.serving.BatchScheduler;
import dev.ares.model.serving.SampledToken;
import dev.ares.model.serving.SchedulerLimits;
import dev.ares.model.serving.SequenceListener;
import dev.ares.model.vision.ImageFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * inference-service's compute step on the DJL runtime (architecture.md §7): chat messages through the model's
 * chat template, raw text, or token ids, with images for a Qwen2.5-VL model ({@link ImageChatPrompt}; image and
 * text requests share the batch, docs/vision.md "Serving"); every request joins the continuous batch of the policy served when it
 * arrives ({@link BatchScheduler}). On a hot swap the next request starts a scheduler on the new policy; the old
 * scheduler finishes what it holds and then releases the old policy (its lease), so no request in flight fails.
 */
public final class ModelServingEngine implements ServingEngine, AutoCloseable {
    private final PolicyHolder policy;
    private final String modelId;
    private final SchedulerLimits limits;
    private final List<BatchScheduler> schedulers = new CopyOnWriteArrayList<>();
    private LoadedPolicy currentPolicy;
    private BatchScheduler current;

    /** An engine with {@link SchedulerLimits#defaults()}. */
    public ModelServingEngine(PolicyHolder policy, String modelId) {
        this(policy, modelId, SchedulerLimits.defaults());
    }

    /**
     * @param modelId the id listed in {@code /v1/models}
     * @param limits  batch size, queue length and queue wait of the scheduler of each served policy
     */
    public ModelServingEngine(PolicyHolder policy, String modelId, SchedulerLimits limits) {
        this.policy = policy;
        this.modelId = modelId;
        this.limits = limits;
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
        return ServingEngine.await(this, request);
    }

    @Override
    public Generation submit(Request request, GenerationListener listener) {
        while (true) {
            Generation g = policy.withPolicy(p -> {
                BatchScheduler s = schedulerFor(p);
                if (s == null) {
                    return null;                                                     // a newer policy is served: retry
                }
                int[] prompt;
                ImageFeatures images = null;
                if (request.images().isEmpty()) {
                    prompt = request.promptIds() != null ? request.promptIds()
                            : request.promptText() != null ? p.encode(request.promptText()) : p.encodeChat(request.messages());
                } else {
                    ImageChatPrompt.Prepared prepared = ImageChatPrompt.prepare(p, request);
                    prompt = prepared.ids();
                    images = prepared.images();
                }
                GenerationParams params = GenerationParams.of(request.sampling(), p.eosIds())
                        .withTopLogprobs(request.topLogprobs());
                BatchScheduler.Ticket t = s.submit(prompt, images, params, request.n(),
                        new Adapter(p, prompt, request, listener));
                return t == null ? null : (Generation) t::cancel;
            });
            if (g != null) {
                return g;
            }
        }
    }

    /** The scheduler of {@code p}, started on first use; null when {@code p} was already replaced by a newer one. */
    private synchronized BatchScheduler schedulerFor(LoadedPolicy p) {
        if (currentPolicy == p) {
            return current;
        }
        if (currentPolicy != null && currentPolicy.version() > p.version()) {
            return null;
        }
        if (!p.acquire()) {
            return null;
        }
        BatchScheduler next = new BatchScheduler(p.model(), p::decode, p.eosIds(), limits, System::nanoTime,
                "v" + p.version());
        schedulers.add(next);
        BatchScheduler old = current;
        LoadedPolicy oldPolicy = currentPolicy;
        current = next;
        currentPolicy = p;
        if (old != null) {
            old.drain(oldPolicy::release);
        }
        return next;
    }

    /** True when the policy served now is a Qwen2.5-VL model (false while none is loaded). */
    @Override
    public boolean acceptsImages() {
        try {
            return policy.withPolicy(p -> p.model() instanceof Qwen25VlModel);
        } catch (IllegalStateException notLoaded) {
            return false;
        }
    }

    @Override
    public Load load() {
        int waiting = 0;
        int running = 0;
        long admitted = 0;
        long generated = 0;
        long discarded = 0;
        for (BatchScheduler s : schedulers) {
            discarded += s.discarded();
            waiting += s.waiting();
            running += s.running();
            admitted += s.admitted();
            generated += s.generated();
        }
        return new Load(waiting, running, admitted, generated, discarded);
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
            if (promptOpensReasoning(prompt, open)) {
                return ids.length;
            }
        }
        return 0;
    }

    /** True when one of the prompt's last four tokens is {@code <think>} (a template that starts the reasoning). */
    static boolean promptOpensReasoning(int[] prompt, Integer open) {
        if (open == null) {
            return false;
        }
        for (int i = prompt.length - 1; i >= 0 && i >= prompt.length - 4; i--) {
            if (prompt[i] == open) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onCheckpoint(CheckpointEvent event) {
        policy.onCheckpoint(event);
    }

    @Override
    public Readiness readiness() {
        return policy.readiness();
    }

    /** Stops the schedulers (requests still queued or running fail with {@link IllegalStateException}). */
    @Override
    public synchronized void close() {
        for (BatchScheduler s : schedulers) {
            s.close();
        }
        if (currentPolicy != null) {
            currentPolicy.release();
            currentPolicy = null;
            current = null;
        }
    }

    /** Turns a scheduler's token events into the {@link ServingEngine} events and the final {@link Completion}. */
    private static final class Adapter implements SequenceListener {
        private final LoadedPolicy p;
        private final int[] prompt;
        private final Request request;
        private final GenerationListener listener;
        private final Choice[] done;
        private final List<List<SampledToken>> tokens = new ArrayList<>();
        private final List<List<TokenLogprob>> texts = new ArrayList<>();
        private final List<List<List<TokenLogprob>>> tops = new ArrayList<>();

        Adapter(LoadedPolicy p, int[] prompt, Request request, GenerationListener listener) {
            this.p = p;
            this.prompt = prompt;
            this.request = request;
            this.listener = listener;
            this.done = new Choice[request.n()];
            for (int i = 0; i < request.n(); i++) {
                tokens.add(new ArrayList<>());
                texts.add(new ArrayList<>());
                tops.add(new ArrayList<>());
            }
        }

        @Override
        public void onStart() {
            listener.onStart(new Started(prompt.clone(), p.version(), promptOpensReasoning(prompt, p.specialId("<think>"))));
        }

        @Override
        public void onToken(int choice, SampledToken t, String textDelta) {
            tokens.get(choice).add(t);
            TokenLogprob tl = new TokenLogprob(t.id(), request.logprobs() ? p.decode(new int[] {t.id()}) : "", t.modelLogprob());
            List<TokenLogprob> top = List.of();
            if (request.logprobs()) {
                texts.get(choice).add(tl);
                List<TokenLogprob> alts = new ArrayList<>(t.alternatives().length);
                for (TokenAlternative a : t.alternatives()) {
                    alts.add(new TokenLogprob(a.id(), p.decode(new int[] {a.id()}), a.logprob()));
                }
                top = List.copyOf(alts);
                tops.get(choice).add(top);
            }
            listener.onToken(choice, new TokenEvent(tl, top, textDelta));
        }

        @Override
        public void onFinish(int choice, FinishReason reason, String textDelta, String text) {
            List<SampledToken> ts = tokens.get(choice);
            int[] ids = new int[ts.size()];
            float[] lp = new float[ids.length];
            float[] h = new float[ids.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = ts.get(i).id();
                lp[i] = ts.get(i).sampledLogprob();
                h[i] = ts.get(i).entropy();
            }
            done[choice] = new Choice(text, ids, lp, h, p.triggers().flags(ids),
                    thinkTokens(prompt, ids, p.specialId("<think>"), p.specialId("</think>")),
                    reason == FinishReason.LENGTH ? "length" : "stop", texts.get(choice), tops.get(choice));
            listener.onChoiceFinished(choice, done[choice]);
        }

        @Override
        public void onComplete() {
            listener.onComplete(new Completion(prompt.clone(), List.of(done), p.version()));
        }

        @Override
        public void onError(RuntimeException error) {
            listener.onError(error);
        }
    }
}
