package dev.ares.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.GenerationResult;
import dev.ares.model.generation.Generator;
import dev.ares.model.qwen.KvCache;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.Qwen25VlPositions;
import java.util.List;
import java.util.function.Function;

/**
 * Generation with images through the KV cache: the prompts (left-padded to a common length) and their
 * images go through one multimodal prefill ({@link Qwen25VlModel#forwardMultimodal}), which leaves each
 * cache row's next position at its largest multimodal position + 1 (the reference's {@code rope_deltas});
 * the decode steps are then those of the text model ({@link Generator#generateAfterPrefill}), with the same
 * sampling rules and per-token results.
 */
public final class MultimodalGenerator {
    private final Qwen25VlModel model;
    private final Function<int[], String> decoder;

    /**
     * @param decoder turns generated ids into text for the stop-string rule, or null
     */
    public MultimodalGenerator(Qwen25VlModel model, Function<int[], String> decoder) {
        this.model = model;
        this.decoder = decoder;
    }

    /**
     * Generates a continuation for every prompt.
     *
     * @param prompts token ids with one run of image pads per image ({@link Qwen25VlModel#imageTokens} each)
     * @param images  the processed images of all prompts, in the order their pad runs appear (prompt by
     *                prompt), or null for text-only prompts
     * @return one result per prompt, in order
     */
    public List<GenerationResult> generate(List<int[]> prompts, ImageFeatures images, GenerationParams params) {
        return generate(prompts, images, params, Qwen25VlPositions.Mode.MULTIMODAL);
    }

    /** As {@link #generate(List, ImageFeatures, GenerationParams)} with the given prompt position numbering. */
    public List<GenerationResult> generate(List<int[]> prompts, ImageFeatures images, GenerationParams params,
                                           Qwen25VlPositions.Mode mode) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        int b = prompts.size();
        int longest = 0;
        int vocab = model.config().vocabSize();
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            if (p.length == 0) {
                throw new IllegalArgumentException("prompt " + i + " is empty");
            }
            for (int t = 0; t < p.length; t++) {
                if (p[t] < 0 || p[t] >= vocab) {
                    throw new IllegalArgumentException("prompt " + i + "[" + t + "] = " + p[t]
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            longest = Math.max(longest, p.length);
        }
        long[] ids = new long[b * longest];
        long[] mask = new long[b * longest];
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            int pad = longest - p.length;
            for (int t = 0; t < p.length; t++) {
                ids[i * longest + pad + t] = p[t];
                mask[i * longest + pad + t] = 1;
            }
        }
        KvCache cache = model.newCache(b, longest + params.maxNewTokens());
        try (cache; NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(b, longest);
            NDArray logits = model.forwardMultimodal(m.create(ids, shape), m.create(mask, shape), images, cache, true,
                    mode);
            return new Generator(model, decoder).generateAfterPrefill(cache, logits, params);
        }
    }
}
