package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;

/**
 * An additive correction of one linear projection of a decoder layer (for example a LoRA adapter, Hu et al.
 * 2021, eq. 3: {@code h = W0 x + B A x}). The layer computes its base projection {@code y = W x (+ b)} as
 * always and, when an adapter is attached, returns {@code adapt(x, y)} in its place. With no adapter attached
 * the layer's code path and numbers are exactly those of the plain model.
 */
@FunctionalInterface
public interface ProjectionAdapter {
    /**
     * @param x the projection's input {@code [..., in]}
     * @param y the base projection's output {@code [..., out]} (for fused projections, all row blocks)
     * @return the corrected output, shape and dtype of {@code y}
     */
    NDArray adapt(NDArray x, NDArray y);
}
