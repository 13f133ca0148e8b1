package dev.ares.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.ares.model.qwen.ProjectionAdapter;
import java.util.List;

/**
 * LoRA on one runtime projection, which may hold several Hugging Face projections as consecutive row blocks
 * (q/k/v in {@code qkv_proj}, gate/up in {@code gate_up_proj}). Each block either has its own {@link LoraPair}
 * or none; the correction of the fused output is the blocks' deltas concatenated along the last axis, with
 * zeros for blocks without an adapter, so an adapter on {@code q_proj} changes only the q rows.
 */
final class FusedLoraAdapter implements ProjectionAdapter {
    /** One row block of the fused output: its height and its adapter (null for none). */
    record Block(long rows, LoraPair pair) {
    }

    private final List<Block> blocks;

    FusedLoraAdapter(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    @Override
    public NDArray adapt(NDArray x, NDArray y) {
        if (blocks.size() == 1) {
            return y.add(blocks.get(0).pair().delta(x));
        }
        NDList parts = new NDList(blocks.size());
        long[] lead = y.getShape().slice(0, y.getShape().dimension() - 1).getShape();
        for (Block block : blocks) {
            if (block.pair() != null) {
                parts.add(block.pair().delta(x));
            } else {
                long[] shape = java.util.Arrays.copyOf(lead, lead.length + 1);
                shape[lead.length] = block.rows();
                parts.add(y.getManager().zeros(new Shape(shape), y.getDataType(), y.getDevice()));
            }
        }
        return y.add(NDArrays.concat(parts, -1));
    }
}
