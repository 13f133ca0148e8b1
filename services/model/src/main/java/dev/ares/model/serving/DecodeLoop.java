package dev.ares.model.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.TokenSampler;
import dev.ares.model.qwen.KvCache;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.vision.ImageFeatures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The running batch of a {@link BatchScheduler} and its decode step (Orca's iteration-level scheduling): the live
 * sequences ({@link Job.Row}), their packed KV cache and their pending logits {@code [rows, V]}. Touched by the
 * scheduler thread only; the counters and {@link #running()} may be read from any thread.
 *
 * <p>One {@link #step}: prefill the admitted prompts together (left-padded) into a fresh cache (with multimodal
 * RoPE and the vision tower when one of them holds images); sample one token for
 * every live row ({@link TokenSampler}, rows with equal sampling parameters in one call) and deliver it; when the
 * membership changed, pack the rows that continue and the newcomers into one cache ({@link KvCache#pack}: each row
 * right-aligned, so padding never accumulates); one forward pass feeds every row its last token.
 */
final class DecodeLoop {
    private final QwenModel model;
    private final Function<int[], String> decoder;
    private final Set<Integer> eosIds;
    private final List<Job.Row> rows = new ArrayList<>();
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private volatile int running;
    private KvCache cache;
    private NDArray logits;                                                            // [rows, V] pending logits

    /**
     * @param decoder ids to text (special tokens included), for stop strings and text deltas
     * @param eosIds  ids that end a sequence
     */
    DecodeLoop(QwenModel model, Function<int[], String> decoder, Set<Integer> eosIds) {
        this.model = model;
        this.decoder = decoder;
        this.eosIds = Set.copyOf(eosIds);
    }

    /** Rows that still generate (their slots are taken). */
    int busy() {
        int busy = 0;
        for (Job.Row r : rows) {
            busy += r.done ? 0 : 1;
        }
        return busy;
    }

    /** True when the batch holds no rows. */
    boolean idle() {
        return rows.isEmpty();
    }

    /** Sequences in the running batch after the last step. */
    int running() {
        return running;
    }

    long admitted() {
        return admitted.get();
    }

    long generated() {
        return generated.get();
    }

    long discarded() {
        return discarded.get();
    }

    /** The distinct requests with rows in the batch, in row order. */
    List<Job> jobs() {
        List<Job> jobs = new ArrayList<>();
        for (Job.Row r : rows) {
            if (!jobs.contains(r.job)) {
                jobs.add(r.job);
            }
        }
        return jobs;
    }

    /** One scheduling iteration: admit, sample one token for every sequence, repack, one forward step. */
    void step(List<Job> admit) {
        for (Job.Row r : rows) {
            if (r.job.gone()) {
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
                    if (!j.safe(j.listener::onStart)) {
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

    /** Drops the batch: closes the cache and the pending logits. */
    void reset() {
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
        List<ImageFeatures> images = new ArrayList<>();
        for (Job j : admit) {
            if (j.images != null) {
                images.add(j.images);
            }
        }
        try (NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(b, longest);
            // With images in the batch (only a Qwen2.5-VL model accepts them: BatchScheduler#submit), every admitted
            // row goes through the multimodal prefill: text rows get running positions on all three RoPE axes, the
            // same as the text path, and each row's cache position takes its own RoPE delta.
            NDArray out = images.isEmpty()
                    ? model.forward(m.create(ids, shape), m.create(pos, shape), m.create(mask, shape), into, true)
                    : ((Qwen25VlModel) model).forwardMultimodal(m.create(ids, shape), m.create(mask, shape),
                            ImageFeatures.concat(images), into, true);
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
                Job.Row r = all.get(idx.get(k));
                int id = s.ids()[k];
                generated.incrementAndGet();
                if (r.job.cancelled) {
                    discarded.incrementAndGet();                      // the cancel arrived during this step
                }
                r.deliver(new SampledToken(id, s.sampledLogprobs()[k], s.modelLogprobs()[k], s.entropies()[k],
                        s.alternatives()[k], eosIds.contains(id)));
            }
        }
    }

    /** Moves the live rows (old and new) into one cache, when the membership changed. */
    private void repack(List<Job.Row> all, List<Job.Row> fresh, KvCache prefill, int[] freshSource) {
        List<Job.Row> live = new ArrayList<>();
        for (Job.Row r : all) {
            if (!r.done && !r.job.gone()) {
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
}
