package dev.ares.model.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.train.TokenScorer;
import dev.ares.model.vision.ImageFeatures;

/**
 * Per-token log-probabilities of a micro-batch for the loss, with or without images: text rows go through
 * {@link TokenScorer}; a micro-batch holding image rows goes through one multimodal forward
 * ({@link Qwen25VlModel#forwardMultimodal}, M-RoPE positions computed from the ids, the rows' images concatenated in
 * row order), which is the sequence the rollout sampled from. Differentiable inside a gradient collector.
 */
final class ImageScorer {
    private ImageScorer() {
    }

    /**
     * @param ids         int64 {@code [B, T]} inputs (right-padded rows)
     * @param positions   int64 {@code [B, T]} text RoPE positions (ignored with images: M-RoPE is computed)
     * @param mask        {@code [B, T]} nonzero on real tokens
     * @param targets     int64 {@code [B, T]} the tokens to score
     * @param images      the rows' images in row order, or null for a text micro-batch
     * @param temperature sampling temperature the log-probabilities refer to, {@code > 0}
     * @return float32 {@code [B, T]}: {@code log softmax(logits_t / temperature)[targets_t]}
     */
    static NDArray logprobs(QwenModel model, NDArray ids, NDArray positions, NDArray mask, NDArray targets,
                            ImageFeatures images, double temperature) {
        if (images == null) {
            return TokenScorer.score(model, ids, positions, mask, targets, temperature).logprobs();
        }
        if (!(model instanceof Qwen25VlModel vl)) {
            throw new IllegalArgumentException("image rows need a qwen2_5_vl model, this one is a "
                    + model.config().modelType());
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        NDArray logits = vl.forwardMultimodal(ids, mask, images, null, false);
        if (temperature != 1.0) {
            logits = logits.div((float) temperature);
        }
        return logits.logSoftmax(-1).gather(targets.toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1);
    }
}
