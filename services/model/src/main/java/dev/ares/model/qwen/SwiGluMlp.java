package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * The SwiGLU feed-forward block (Shazeer 2020, "GLU Variants Improve Transformer", eq. 5 with Swish_1 =
 * SiLU): {@code down(silu(gate(x)) * up(x))}. The gate and up projections are fused into one matrix
 * {@code [2 * intermediate, hidden]} (gate rows first) so that one matrix product serves both.
 */
public final class SwiGluMlp {
    final NDArray gateUp;
    final NDArray down;
    private ProjectionAdapter gateUpAdapter;
    private ProjectionAdapter downAdapter;

    /**
     * @param gateUp fused {@code [2 * intermediate, hidden]} weight: rows {@code [0, I)} are {@code gate_proj},
     *               rows {@code [I, 2I)} are {@code up_proj}
     * @param down   {@code down_proj} weight {@code [hidden, intermediate]}
     */
    public SwiGluMlp(NDArray gateUp, NDArray down) {
        this.gateUp = gateUp;
        this.down = down;
    }

    /** {@code x [..., hidden]} to {@code [..., hidden]}. */
    public NDArray forward(NDArray x) {
        return forward(x, null);
    }

    /**
     * {@code residual + mlp(x)} with the addition fused into {@code down_proj} (one {@code addmm}).
     *
     * @param x        {@code [N, hidden]}
     * @param residual {@code [N, hidden]}, or null for {@link #forward(NDArray)}
     */
    public NDArray forward(NDArray x, NDArray residual) {
        NDArray gu = Linear.linear(x, gateUp).singletonOrThrow();
        if (gateUpAdapter != null) {
            gu = gateUpAdapter.adapt(x, gu);
        }
        ai.djl.ndarray.NDList halves = gu.split(2, gu.getShape().dimension() - 1);
        NDArray gate = halves.get(0);
        NDArray up = halves.get(1);
        NDArray act = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up);
        NDArray y = residual == null ? Linear.linear(act, down).singletonOrThrow()
                : Linear.linear(act, down, residual).singletonOrThrow();
        return downAdapter == null ? y : downAdapter.adapt(act, y);
    }

    /**
     * Attaches additive adapters to the projections (null detaches).
     *
     * @param gateUpAdapter corrects the fused gate/up output {@code [..., 2 * intermediate]} (gate rows first)
     * @param downAdapter   corrects the {@code down_proj} output {@code [..., hidden]}
     */
    public void setAdapters(ProjectionAdapter gateUpAdapter, ProjectionAdapter downAdapter) {
        this.gateUpAdapter = gateUpAdapter;
        this.downAdapter = downAdapter;
    }

    /** The intermediate width I. */
    public long intermediateSize() {
        return down.getShape().get(1);
    }
}
