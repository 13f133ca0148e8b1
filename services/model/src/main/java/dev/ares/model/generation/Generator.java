package dev.ares.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.ares.core.protocol.FinishReason;
import dev.ares.model.qwen.KvCache;
import dev.ares.model.qwen.QwenModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Batched generation with a KV cache: one prefill of all prompts (left-padded to a common length, with an
 * attention mask and per-row positions so padding changes nothing), then one decode step per new token
 * that appends to the cache in place. Per step only the sampled ids and the per-token scalars reach the
 * host (see {@link TokenSampler}).
 *
 * <p>Sequence {@code i} of a call draws its uniforms from its own {@link SplittableRandom} seeded from
 * {@code (seed, i)}, so a call with the same prompts and parameters is reproducible.
 */
public final class Generator {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private final QwenModel model;
    private final Function<int[], String> decoder;

    /** A generator without a text decoder (stop strings are then refused). */
    public Generator(QwenModel model) {
        this(model, null);
    }

    /**
     * @param decoder turns generated ids into text for the stop-string rule, or null
     */
    public Generator(QwenModel model, Function<int[], String> decoder) {
        this.model = model;
        this.decoder = decoder;
    }

    /**
     * Generates a continuation for every prompt.
     *
     * @param prompts token ids, each non-empty and within the vocabulary; lengths may differ
     * @return one result per prompt, in order
     */
    public List<GenerationResult> generate(List<int[]> prompts, GenerationParams params) {
        check(params);
        if (prompts.isEmpty()) {
            return List.of();
        }
        int b = prompts.size();
        int longest = 0;
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            if (p.length == 0) {
                throw new IllegalArgumentException("prompt " + i + " is empty");
            }
            checkIds(p, "prompt " + i);
            longest = Math.max(longest, p.length);
        }
        checkPositions(longest - 1 + params.maxNewTokens());
        long[] ids = new long[b * longest];
        long[] mask = new long[b * longest];
        long[] pos = new long[b * longest];
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            int pad = longest - p.length;
            for (int t = 0; t < p.length; t++) {
                ids[i * longest + pad + t] = p[t];
                mask[i * longest + pad + t] = 1;
                pos[i * longest + pad + t] = t;
            }
        }
        try (KvCache cache = model.newCache(b, longest + params.maxNewTokens());
             NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(b, longest);
            NDArray logits = model.forward(m.create(ids, shape), m.create(pos, shape), m.create(mask, shape), cache,
                    true);
            return decode(cache, logits, params, m);
        }
    }

    /**
     * Continues the sequences held by {@code cache} (for example a {@link KvCache#fork}): {@code pending[i]}
     * is the next input token of row {@code i} (the last token that is not yet in the cache). The cache is
     * advanced in place and must have room for {@code maxNewTokens} more slots.
     */
    public List<GenerationResult> continueFrom(KvCache cache, int[] pending, GenerationParams params) {
        check(params);
        if (pending.length != cache.batch()) {
            throw new IllegalArgumentException("pending has " + pending.length + " ids, cache has " + cache.batch()
                    + " rows");
        }
        checkIds(pending, "pending");
        long maxPos = 0;
        for (long p : cache.nextPositions()) {
            maxPos = Math.max(maxPos, p);
        }
        checkPositions(maxPos + params.maxNewTokens() - 1);
        try (NDManager m = model.manager().newSubManager()) {
            NDArray logits = step(cache, pending, m);
            return decode(cache, logits, params, m);
        }
    }

    /**
     * Decodes after a prefill that the caller ran itself (for example a prompt with images, whose embeddings
     * and positions this class does not build): {@code lastLogits} {@code [B, 1, V]} are the logits of each
     * row's last prompt token, and {@code cache} holds the prompts with each row's next position set. The
     * first new token is sampled from {@code lastLogits} (which this call closes); the cache must have room
     * for {@code maxNewTokens - 1} more slots.
     */
    public List<GenerationResult> generateAfterPrefill(KvCache cache, NDArray lastLogits, GenerationParams params) {
        check(params);
        long maxPos = 0;
        for (long p : cache.nextPositions()) {
            maxPos = Math.max(maxPos, p);
        }
        checkPositions(maxPos + params.maxNewTokens() - 1);
        try (NDManager m = model.manager().newSubManager()) {
            return decode(cache, lastLogits, params, m);
        }
    }

    private List<GenerationResult> decode(KvCache cache, NDArray firstLogits, GenerationParams params, NDManager m) {
        int b = cache.batch();
        int max = params.maxNewTokens();
        if (cache.remaining() < max - 1) {
            throw new IllegalArgumentException("cache has room for " + cache.remaining() + " slots, generation needs "
                    + (max - 1));
        }
        SplittableRandom[] rng = new SplittableRandom[b];
        for (int i = 0; i < b; i++) {
            rng[i] = new SplittableRandom(params.seed() + GOLDEN * (i + 1));
        }
        Row[] rows = new Row[b];
        for (int i = 0; i < b; i++) {
            rows[i] = new Row(max);
        }
        NDArray logits = firstLogits;
        int active = b;
        float[] u = new float[b];
        for (int step = 0; step < max && active > 0; step++) {
            for (int i = 0; i < b; i++) {
                u[i] = (float) rng[i].nextDouble();
            }
            TokenSampler.Step s;
            try (NDArray flat = logits.reshape(b, logits.getShape().get(2))) {
                s = TokenSampler.sample(flat, params, u);
            }
            logits.close();
            int[] next = new int[b];
            for (int i = 0; i < b; i++) {
                Row r = rows[i];
                if (r.finish != null) {
                    continue;
                }
                r.add(s, i);
                next[i] = s.ids()[i];
                if (params.eosIds().contains(s.ids()[i])) {
                    r.finish = FinishReason.EOS;
                } else if (!params.stopStrings().isEmpty() && hitsStop(r, params)) {
                    r.finish = FinishReason.STOP_SEQUENCE;
                } else if (r.n == max) {
                    r.finish = FinishReason.LENGTH;
                }
                if (r.finish != null) {
                    active--;
                }
            }
            if (active == 0) {
                break;
            }
            logits = step(cache, next, m);
        }
        List<GenerationResult> out = new ArrayList<>(b);
        for (Row r : rows) {
            out.add(r.result());
        }
        return out;
    }

    /** Feeds one token per row at each row's next position; returns {@code [B, 1, V]} logits. */
    private NDArray step(KvCache cache, int[] tokens, NDManager m) {
        int b = tokens.length;
        long[] ids = new long[b];
        for (int i = 0; i < b; i++) {
            ids[i] = tokens[i];
        }
        try (NDScope scope = new NDScope()) {
            Shape shape = new Shape(b, 1);
            NDArray logits = model.forward(m.create(ids, shape), m.create(cache.nextPositions(), shape),
                    m.ones(shape, ai.djl.ndarray.types.DataType.BOOLEAN), cache, true);
            NDScope.unregister(logits);
            return logits;
        }
    }

    private boolean hitsStop(Row r, GenerationParams params) {
        String text = decoder.apply(java.util.Arrays.copyOf(r.ids, r.n));
        for (String stop : params.stopStrings()) {
            if (text.contains(stop)) {
                return true;
            }
        }
        return false;
    }

    private void check(GenerationParams params) {
        if (!params.stopStrings().isEmpty() && decoder == null) {
            throw new IllegalArgumentException("stop strings need a Generator built with a decoder");
        }
    }

    private void checkPositions(long last) {
        if (last >= model.maxPositions()) {
            throw new IllegalArgumentException("generation would reach position " + last + " but the model encodes"
                    + " positions below " + model.maxPositions() + " (max_position_embeddings)");
        }
    }

    private void checkIds(int[] ids, String what) {
        int v = model.config().vocabSize();
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] < 0 || ids[t] >= v) {
                throw new IllegalArgumentException(what + "[" + t + "] = " + ids[t] + " is outside the vocabulary [0, "
                        + v + ")");
            }
        }
    }

    /** Host-side accumulation of one sequence. */
    private static final class Row {
        final int[] ids;
        final float[] sampled;
        final float[] model;
        final float[] entropy;
        final List<TokenAlternative[]> alts = new ArrayList<>();
        int n;
        FinishReason finish;

        Row(int max) {
            ids = new int[max];
            sampled = new float[max];
            model = new float[max];
            entropy = new float[max];
        }

        void add(TokenSampler.Step s, int i) {
            ids[n] = s.ids()[i];
            sampled[n] = s.sampledLogprobs()[i];
            model[n] = s.modelLogprobs()[i];
            entropy[n] = s.entropies()[i];
            alts.add(s.alternatives()[i]);
            n++;
        }

        GenerationResult result() {
            return new GenerationResult(java.util.Arrays.copyOf(ids, n), java.util.Arrays.copyOf(sampled, n),
                    java.util.Arrays.copyOf(model, n), java.util.Arrays.copyOf(entropy, n), List.copyOf(alts),
                    finish == null ? FinishReason.LENGTH : finish);
        }
    }
}
