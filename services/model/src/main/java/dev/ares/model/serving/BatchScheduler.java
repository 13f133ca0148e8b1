package dev.ares.model.serving;

import dev.ares.core.compute.ContextLengthExceededException;
import dev.ares.core.compute.ServingRejectedException;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.Qwen25VlPositions;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.vision.ImageFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Continuous batching for one model (architecture.md §7; the iteration-level scheduling of Orca, Yu et al. 2022,
 * and vLLM): one thread owns the model's decode loop. At every decode step, queued requests whose choices fit in
 * the batch are prefilled (together, left-padded) and join; finished and cancelled sequences leave. The KV rows of
 * the sequences that continue and of the newcomers are then packed into one cache ({@link dev.ares.model.qwen.KvCache#pack}) and one
 * forward pass advances them all by a token.
 *
 * <p>Per token each sequence gets the exact quantities of {@link dev.ares.model.generation.TokenSampler} (sampled and model log-probability,
 * entropy of the full distribution, alternatives); sequences with equal sampling parameters share one sampler call.
 * Choice {@code i} of a request draws its uniforms from the same stream as {@link dev.ares.model.generation.Generator}
 * would, so a request's result does not depend on what else runs in the batch (up to float rounding of batched
 * matrix products).
 *
 * <p>Admission (reliability.md contract 4): at most {@link SchedulerLimits#maxBatch()} sequences run; at most
 * {@link SchedulerLimits#maxQueue()} requests wait, one more is refused at once ({@code QUEUE_FULL}); a request
 * that waited longer than {@link SchedulerLimits#maxQueueWait()} is refused ({@code QUEUE_TIMEOUT}). Queued requests
 * are admitted in arrival order. A cancelled request leaves within one decode step and gets no further events.
 *
 * <p>Parts: {@link AdmissionQueue} (waiting requests, queue limits, draining), {@link DecodeLoop} (the running batch
 * and its decode step), {@link Job} (a request and the per-sequence state that turns tokens into listener events).
 * This class validates submissions and runs the thread that ties them together.
 */
public final class BatchScheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BatchScheduler.class.getName());

    /** A submitted request. */
    public interface Ticket {
        /** Stops the request: it leaves the queue or the batch before the next decode step; idempotent. */
        void cancel();
    }

    private final QwenModel model;
    private final SchedulerLimits limits;
    private final int context;
    private final AdmissionQueue queue;
    private final DecodeLoop batch;
    private final Thread thread;

    /**
     * Starts the scheduler thread.
     *
     * @param model     the model; this scheduler must be its only user
     * @param decoder   ids to text (special tokens included), for stop strings and text deltas
     * @param eosIds    ids that end a sequence
     * @param nanoClock monotonic nanoseconds (queue-wait deadlines; tests inject a fake clock)
     * @param name      thread name suffix
     */
    public BatchScheduler(QwenModel model, Function<int[], String> decoder, Set<Integer> eosIds, SchedulerLimits limits,
                          LongSupplier nanoClock, String name) {
        this.model = model;
        this.limits = limits;
        this.context = Math.min(model.config().maxPositionEmbeddings(), model.maxPositions());
        this.queue = new AdmissionQueue(limits, nanoClock);
        this.batch = new DecodeLoop(model, decoder, eosIds);
        this.thread = new Thread(this::loop, "batch-scheduler-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Positions the model encodes: a prompt plus its {@code max_tokens} must fit. */
    public int context() {
        return context;
    }

    /**
     * Queues a request. {@code params.eosIds()} is ignored (the scheduler's EOS ids apply).
     *
     * @param prompt   token ids, non-empty, within the vocabulary
     * @param n        choices, each one batch row, {@code 1 <= n <= maxBatch}
     * @param listener receives the events on the scheduler thread
     * @return the ticket, or null when this scheduler is draining (submit to its successor)
     * @throws ContextLengthExceededException when prompt plus {@code maxNewTokens} exceeds {@link #context()}
     * @throws IllegalArgumentException       for an empty prompt, an id outside the vocabulary or {@code n} over the batch
     * @throws ServingRejectedException       when {@code maxQueue} requests already wait
     */
    public Ticket submit(int[] prompt, GenerationParams params, int n, SequenceListener listener) {
        return submit(prompt, null, params, n, listener);
    }

    /**
     * Queues a request whose prompt holds images (issue 8, docs/vision.md "Serving"): a Qwen2.5-VL model prefills it
     * with the images' vision-tower rows in place of its image pads and multimodal RoPE positions; the row's cache
     * then carries its RoPE delta, so its decode steps are the ordinary ones and it shares the batch with text
     * requests.
     *
     * @param prompt token ids with one run of {@link Qwen25VlModel#imageTokens} image pads per image
     * @param images the processed images in the order of their pad runs, or null for a text prompt
     * @throws IllegalArgumentException in addition to the cases of {@link #submit(int[], GenerationParams, int,
     *                                  SequenceListener)}: images for a model that is not Qwen2.5-VL, or a prompt whose
     *                                  image pads do not match its images (the message says how)
     */
    public Ticket submit(int[] prompt, ImageFeatures images, GenerationParams params, int n, SequenceListener listener) {
        Qwen25VlPositions.checkPrompt(model, prompt, images);
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt encodes to no tokens");
        }
        int vocab = model.config().vocabSize();
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocab) {
                throw new IllegalArgumentException("prompt token " + prompt[i] + " at index " + i
                        + " is outside the vocabulary of " + vocab);
            }
        }
        if (prompt.length + params.maxNewTokens() > context) {
            throw new ContextLengthExceededException(prompt.length, params.maxNewTokens(), context);
        }
        if (n < 1 || n > limits.maxBatch()) {
            throw new IllegalArgumentException("'n' must be between 1 and the batch size " + limits.maxBatch() + ", got " + n);
        }
        return queue.offer(prompt.clone(), images, params, n, listener);
    }

    /** Requests waiting for a slot. */
    public int waiting() {
        return queue.waiting();
    }

    /** Sequences in the running batch. */
    public int running() {
        return batch.running();
    }

    /** Requests admitted to the model so far. */
    public long admitted() {
        return batch.admitted();
    }

    /** Tokens generated so far (counted in the loop, cancelled sequences included). */
    public long generated() {
        return batch.generated();
    }

    /** Tokens sampled for requests that were cancelled before the token could be delivered. */
    public long discarded() {
        return batch.discarded();
    }

    /**
     * Stops accepting requests ({@link #submit} returns null); queued and running ones are served; then the thread
     * ends and {@code whenDrained} runs on it (the owner releases the model).
     */
    public void drain(Runnable whenDrained) {
        queue.drain(whenDrained);
    }

    private void loop() {
        while (true) {
            AdmissionQueue.Admission next = queue.next(batch.busy(), batch.idle());
            for (Job j : next.expired()) {
                j.fail(new ServingRejectedException(ServingRejectedException.Reason.QUEUE_TIMEOUT,
                        "the request waited longer than " + limits.maxQueueWait().toMillis() + " ms for a batch slot",
                        limits.retryAfterSeconds()));
            }
            if (next.exit()) {
                shutdown(next.admit());
                return;
            }
            try {
                batch.step(next.admit());
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "decode step failed; failing the running requests", e);
                IllegalStateException failure = new IllegalStateException("generation failed: " + e.getMessage());
                List<Job> jobs = new ArrayList<>(next.admit());
                for (Job j : batch.jobs()) {
                    if (!jobs.contains(j)) {
                        jobs.add(j);
                    }
                }
                batch.reset();
                for (Job j : jobs) {
                    j.fail(failure);
                }
            }
        }
    }

    private void shutdown(List<Job> admit) {
        List<Job> jobs = new ArrayList<>(admit);
        for (Job j : batch.jobs()) {
            if (!jobs.contains(j)) {
                jobs.add(j);
            }
        }
        jobs.addAll(queue.takeAll());
        batch.reset();
        IllegalStateException e = new IllegalStateException("the model is shutting down");
        for (Job j : jobs) {
            j.fail(e);
        }
        Runnable done = queue.whenDrained();
        if (done != null) {
            done.run();
        }
    }

    /** Stops the thread; queued and running requests fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        queue.close();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
