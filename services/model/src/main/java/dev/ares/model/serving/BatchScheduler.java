package dev.ares.model.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ares.core.compute.ContextLengthExceededException;
import dev.ares.core.compute.ServingRejectedException;
import dev.ares.core.protocol.FinishReason;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.TokenSampler;
import dev.ares.model.qwen.KvCache;
import dev.ares.model.qwen.QwenModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Continuous batching for one model (architecture.md §7; the iteration-level scheduling of Orca, Yu et al. 2022,
 * and vLLM): one thread owns the model's decode loop. At every decode step, queued requests whose choices fit in
 * the batch are prefilled (together, left-padded) and join; finished and cancelled sequences leave. The KV rows of
 * the sequences that continue and of the newcomers are then packed into one cache ({@link KvCache#pack}) and one
 * forward pass advances them all by a token.
 *
 * <p>Per token each sequence gets the exact quantities of {@link TokenSampler} (sampled and model log-probability,
 * entropy of the full distribution, alternatives); sequences with equal sampling parameters share one sampler call.
 * Choice {@code i} of a request draws its uniforms from the same stream as {@link dev.ares.model.generation.Generator}
 * would, so a request's result does not depend on what else runs in the batch (up to float rounding of batched
 * matrix products).
 *
 * <p>Admission (reliability.md contract 4): at most {@link SchedulerLimits#maxBatch()} sequences run; at most
 * {@link SchedulerLimits#maxQueue()} requests wait, one more is refused at once ({@code QUEUE_FULL}); a request
 * that waited longer than {@link SchedulerLimits#maxQueueWait()} is refused ({@code QUEUE_TIMEOUT}). Queued requests
 * are admitted in arrival order. A cancelled request leaves within one decode step and gets no further events.
 */
public final class BatchScheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BatchScheduler.class.getName());

    /** A submitted request. */
    public interface Ticket {
        /** Stops the request: it leaves the queue or the batch before the next decode step; idempotent. */
        void cancel();
    }

    private final QwenModel model;
    private final Function<int[], String> decoder;
    private final Set<Integer> eosIds;
    private final SchedulerLimits limits;
    private final LongSupplier nanoClock;
    private final int context;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final Thread thread;
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private volatile int waiting;
    private volatile int running;
    private volatile boolean draining;
    private volatile boolean closed;
    private Runnable whenDrained;

    // decode-loop state, touched by the scheduler thread only
    private final List<Job.Row> rows = new ArrayList<>();
    private KvCache cache;
    private NDArray logits;                                                            // [rows, V] pending logits

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
        this.decoder = decoder;
        this.eosIds = Set.copyOf(eosIds);
        this.limits = limits;
        this.nanoClock = nanoClock;
        this.context = Math.min(model.config().maxPositionEmbeddings(), model.maxPositions());
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
        lock.lock();
        try {
            if (draining || closed) {
                return null;
            }
            if (queue.size() >= limits.maxQueue()) {
                throw new ServingRejectedException(ServingRejectedException.Reason.QUEUE_FULL, "the request queue is full ("
                        + limits.maxQueue() + " waiting); retry later", limits.retryAfterSeconds());
            }
            Job job = new Job(this, prompt.clone(), params, n, listener, nanoClock.getAsLong());
            queue.add(job);
            waiting = queue.size();
            work.signal();
            return job;
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for a slot. */
    public int waiting() {
        return waiting;
    }

    /** Sequences in the running batch. */
    public int running() {
        return running;
    }

    /** Requests admitted to the model so far. */
    public long admitted() {
        return admitted.get();
    }

    /** Tokens generated so far (counted in the loop, cancelled sequences included). */
    public long generated() {
        return generated.get();
    }

    /** Tokens sampled for requests that were cancelled before the token could be delivered. */
    public long discarded() {
        return discarded.get();
    }

    /**
     * Stops accepting requests ({@link #submit} returns null); queued and running ones are served; then the thread
     * ends and {@code whenDrained} runs on it (the owner releases the model).
     */
    public void drain(Runnable whenDrained) {
        lock.lock();
        try {
            this.whenDrained = whenDrained;
            draining = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the loop (a cancellation arrived). */
    void wake() {
        if (lock.tryLock()) {
            try {
                work.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    private void loop() {
        while (true) {
            List<Job> admit = new ArrayList<>();
            List<Job> expired = new ArrayList<>();
            boolean exit = false;
            lock.lock();
            try {
                long now = nanoClock.getAsLong();
                long waitLimit = limits.maxQueueWait().toNanos();
                for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
                    Job j = it.next();
                    if (j.cancelled) {
                        it.remove();
                    } else if (now - j.enqueuedAt > waitLimit) {
                        it.remove();
                        expired.add(j);
                    }
                }
                int busy = 0;
                for (Job.Row r : rows) {
                    busy += r.done ? 0 : 1;
                }
                while (!closed && !queue.isEmpty() && busy + queue.peek().n <= limits.maxBatch()) {
                    Job j = queue.poll();
                    busy += j.n;
                    admit.add(j);
                }
                waiting = queue.size();
                if (closed || draining && queue.isEmpty() && rows.isEmpty() && admit.isEmpty()) {
                    exit = true;
                } else if (rows.isEmpty() && admit.isEmpty() && expired.isEmpty()) {
                    long timeout = queue.isEmpty() ? TimeUnit.SECONDS.toNanos(1)
                            : Math.max(1, queue.peek().enqueuedAt + waitLimit - now + 1);
                    work.awaitNanos(timeout);
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exit = true;
            } finally {
                lock.unlock();
            }
            for (Job j : expired) {
                fail(j, new ServingRejectedException(ServingRejectedException.Reason.QUEUE_TIMEOUT,
                        "the request waited longer than " + limits.maxQueueWait().toMillis() + " ms for a batch slot",
                        limits.retryAfterSeconds()));
            }
            if (exit) {
                shutdown(admit);
                return;
            }
            try {
                step(admit);
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "decode step failed; failing the running requests", e);
                IllegalStateException failure = new IllegalStateException("generation failed: " + e.getMessage());
                List<Job> jobs = new ArrayList<>(admit);
                for (Job.Row r : rows) {
                    if (!jobs.contains(r.job)) {
                        jobs.add(r.job);
                    }
                }
                reset();
                for (Job j : jobs) {
                    fail(j, failure);
                }
            }
        }
    }

    /** One scheduling iteration: admit, sample one token for every sequence, repack, one forward step. */
    private void step(List<Job> admit) {
        for (Job.Row r : rows) {
            if (r.job.cancelled || r.job.failed) {
                r.done = true;
            }
        }
        List<Job.Row> fresh = new ArrayList<>();
        int[] freshSource = new int[0];
        KvCache prefill = null;
        NDArray prefillLogits = null;
        try {
            if (!admit.isEmpty()) {
                int longest = 0;
                for (Job j : admit) {
                    longest = Math.max(longest, j.prompt.length);
                }
                prefill = model.newCache(admit.size(), longest);
                prefillLogits = prefill(admit, prefill, longest);
                List<Integer> src = new ArrayList<>();
                for (int k = 0; k < admit.size(); k++) {
                    Job j = admit.get(k);
                    admitted.incrementAndGet();
                    if (!safe(j, () -> j.listener.onStart())) {
                        continue;
                    }
                    for (int c = 0; c < j.n; c++) {
                        fresh.add(j.row(c, decoder));
                        src.add(k);
                    }
                }
                freshSource = src.stream().mapToInt(Integer::intValue).toArray();
            }
            List<Job.Row> all = new ArrayList<>(rows);
            all.addAll(fresh);
            NDArray allLogits = gatherLogits(prefillLogits, freshSource);
            try {
                sample(all, allLogits);
            } finally {
                if (allLogits != logits) {
                    allLogits.close();
                }
            }
            if (logits != null) {
                logits.close();
                logits = null;
            }
            repack(all, fresh, prefill, freshSource);
        } finally {
            if (prefillLogits != null) {
                prefillLogits.close();
            }
            if (prefill != null && prefill != cache) {
                prefill.close();
            }
        }
        running = rows.size();
        if (!rows.isEmpty()) {
            forward();
        }
    }

    /** Prefills the admitted prompts (left-padded to {@code longest}); returns their last-position logits [k, V]. */
    private NDArray prefill(List<Job> admit, KvCache into, int longest) {
        int b = admit.size();
        long[] ids = new long[b * longest];
        long[] mask = new long[b * longest];
        long[] pos = new long[b * longest];
        for (int i = 0; i < b; i++) {
            int[] p = admit.get(i).prompt;
            int pad = longest - p.length;
            for (int t = 0; t < p.length; t++) {
                ids[i * longest + pad + t] = p[t];
                mask[i * longest + pad + t] = 1;
                pos[i * longest + pad + t] = t;
            }
        }
        try (NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(b, longest);
            NDArray out = model.forward(m.create(ids, shape), m.create(pos, shape), m.create(mask, shape), into, true);
            NDArray flat = out.reshape(b, out.getShape().get(2));
            flat.attach(model.manager());
            out.close();
            return flat;
        }
    }

    /** Logits of the running rows followed by the newcomers' (row {@code freshSource[i]} of the prefill logits). */
    private NDArray gatherLogits(NDArray prefillLogits, int[] freshSource) {
        if (freshSource.length == 0) {
            return logits;
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray picked = prefillLogits.get(new NDIndex("{}", m.create(toLongs(freshSource))));
            NDArray out = logits == null ? picked : NDArrays.concat(new NDList(logits, picked), 0);
            out.attach(model.manager());
            return out;
        }
    }

    /** Samples one token for every live row (grouped by sampling parameters) and delivers the events. */
    private void sample(List<Job.Row> all, NDArray allLogits) {
        Map<Job.SamplingKey, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).done) {
                groups.computeIfAbsent(all.get(i).job.samplingKey(), k -> new ArrayList<>()).add(i);
            }
        }
        for (List<Integer> idx : groups.values()) {
            GenerationParams params = all.get(idx.get(0)).job.params;
            float[] u = new float[idx.size()];
            for (int k = 0; k < u.length; k++) {
                u[k] = (float) all.get(idx.get(k)).rng.nextDouble();
            }
            TokenSampler.Step s;
            if (idx.size() == all.size()) {
                s = TokenSampler.sample(allLogits, params, u);
            } else {
                try (NDManager m = model.manager().newSubManager()) {
                    int[] rowsOf = idx.stream().mapToInt(Integer::intValue).toArray();
                    NDArray part = allLogits.get(new NDIndex("{}", m.create(toLongs(rowsOf))));
                    part.attach(m);
                    s = TokenSampler.sample(part, params, u);
                }
            }
            for (int k = 0; k < idx.size(); k++) {
                deliver(all.get(idx.get(k)), s, k);
            }
        }
    }

    private void deliver(Job.Row r, TokenSampler.Step s, int k) {
        int id = s.ids()[k];
        boolean eos = eosIds.contains(id);
        SampledToken token = new SampledToken(id, s.sampledLogprobs()[k], s.modelLogprobs()[k], s.entropies()[k],
                s.alternatives()[k], eos);
        generated.incrementAndGet();
        if (r.job.cancelled) {
            discarded.incrementAndGet();                      // the cancel arrived during this step
        }
        r.generated++;
        r.lastToken = id;
        String delta = eos ? "" : r.text.append(id);
        Job j = r.job;
        FinishReason finish = eos ? FinishReason.EOS : r.text.stopped() ? FinishReason.STOP_SEQUENCE
                : r.generated >= j.params.maxNewTokens() ? FinishReason.LENGTH : null;
        if (!safe(j, () -> j.listener.onToken(r.choice, token, delta)) || finish == null) {
            return;
        }
        r.done = true;
        String rest = r.text.flush();
        String text = r.text.finish();
        if (safe(j, () -> j.listener.onFinish(r.choice, finish, rest, text)) && --j.unfinished == 0) {
            safe(j, j.listener::onComplete);
        }
    }

    /** Moves the live rows (old and new) into one cache, when the membership changed. */
    private void repack(List<Job.Row> all, List<Job.Row> fresh, KvCache prefill, int[] freshSource) {
        List<Job.Row> live = new ArrayList<>();
        for (Job.Row r : all) {
            if (!r.done && !r.job.cancelled && !r.job.failed) {
                live.add(r);
            }
        }
        if (live.size() == rows.size() && fresh.isEmpty()) {
            return;                                                                     // same rows, same cache
        }
        KvCache next = null;
        if (!live.isEmpty()) {
            KvCache[] sources = new KvCache[live.size()];
            int[] srcRows = new int[live.size()];
            int[] keep = new int[live.size()];
            int longest = 0;
            int feeds = 0;
            for (int i = 0; i < live.size(); i++) {
                Job.Row r = live.get(i);
                int old = indexOf(rows, r);
                if (old >= 0) {
                    sources[i] = cache;
                    srcRows[i] = old;
                } else {
                    sources[i] = prefill;
                    srcRows[i] = freshSource[fresh.indexOf(r)];
                }
                keep[i] = r.used;
                longest = Math.max(longest, r.used);
                feeds = Math.max(feeds, r.remainingFeeds());
            }
            next = KvCache.pack(sources, srcRows, keep, longest + feeds);
        }
        if (cache != null) {
            cache.close();
        }
        cache = next;
        rows.clear();
        rows.addAll(live);
    }

    /** Feeds every row its last token; the logits become the rows' pending logits. */
    private void forward() {
        int b = rows.size();
        long[] ids = new long[b];
        for (int i = 0; i < b; i++) {
            ids[i] = rows.get(i).lastToken;
        }
        try (NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(b, 1);
            NDArray out = model.forward(m.create(ids, shape), m.create(cache.nextPositions(), shape),
                    m.ones(shape, DataType.BOOLEAN), cache, true);
            NDArray flat = out.reshape(b, out.getShape().get(2));
            flat.attach(model.manager());
            out.close();
            logits = flat;
        }
        for (Job.Row r : rows) {
            r.used++;
        }
    }

    private static int indexOf(List<Job.Row> list, Job.Row r) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == r) {
                return i;
            }
        }
        return -1;
    }

    private static long[] toLongs(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            l[i] = a[i];
        }
        return l;
    }

    /** Runs a listener call; a throwing listener cancels its request. */
    private static boolean safe(Job j, Runnable call) {
        if (j.cancelled || j.failed) {
            return false;
        }
        try {
            call.run();
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a request listener failed; cancelling the request: " + e);
            j.cancelled = true;
            return false;
        }
    }

    private static void fail(Job j, RuntimeException e) {
        if (j.cancelled || j.failed) {
            return;
        }
        j.failed = true;
        try {
            j.listener.onError(e);
        } catch (RuntimeException ignored) {
            LOG.log(System.Logger.Level.WARNING, "a request listener failed in onError: " + ignored);
        }
    }

    private void reset() {
        if (logits != null) {
            logits.close();
            logits = null;
        }
        if (cache != null) {
            cache.close();
            cache = null;
        }
        rows.clear();
        running = 0;
    }

    private void shutdown(List<Job> admit) {
        List<Job> jobs = new ArrayList<>(admit);
        for (Job.Row r : rows) {
            if (!jobs.contains(r.job)) {
                jobs.add(r.job);
            }
        }
        lock.lock();
        try {
            jobs.addAll(queue);
            queue.clear();
            waiting = 0;
        } finally {
            lock.unlock();
        }
        reset();
        IllegalStateException e = new IllegalStateException("the model is shutting down");
        for (Job j : jobs) {
            fail(j, e);
        }
        Runnable done = whenDrained;
        if (done != null) {
            done.run();
        }
    }

    /** Stops the thread; queued and running requests fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
