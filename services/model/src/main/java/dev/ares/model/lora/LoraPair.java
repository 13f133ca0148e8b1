package dev.ares.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Linear;

/**
 * The two low-rank factors of one adapted projection (Hu et al. 2021, eq. 3): {@code A [r, in]} and
 * {@code B [out, r]}, stored as PEFT stores {@code lora_A.weight} and {@code lora_B.weight}. The projection's
 * output becomes {@code W x + scaling * B (A x)}.
 *
 * @param target  which projection
 * @param layer   decoder layer index
 * @param a       {@code lora_A.weight} {@code [r, in]} in the model's compute dtype
 * @param b       {@code lora_B.weight} {@code [out, r]} in the model's compute dtype
 * @param scaling {@code alpha / r} (or {@code alpha / sqrt(r)} with rsLoRA)
 */
public record LoraPair(LoraTarget target, int layer, NDArray a, NDArray b, float scaling) {

    /** PEFT's tensor name of A: {@code base_model.model.model.layers.N.<block>.<module>.lora_A.weight}. */
    public String nameA() {
        return peftName(target, layer, "lora_A");
    }

    /** PEFT's tensor name of B. */
    public String nameB() {
        return peftName(target, layer, "lora_B");
    }

    static String peftName(LoraTarget target, int layer, String factor) {
        return "base_model.model." + target.modulePath(layer) + "." + factor + ".weight";
    }

    /**
     * The adapter's contribution to the output: {@code scaling * (x A^T) B^T}.
     *
     * @param x input {@code [..., in]}
     * @return {@code [..., out]}, dtype of {@code x}
     */
    public NDArray delta(NDArray x) {
        NDArray down = Linear.linear(x, a).singletonOrThrow();                        // [..., r]
        return Linear.linear(down, b).singletonOrThrow().mul(scaling);
    }

    /** The weight update {@code scaling * B A}, {@code [out, in]}, computed in float32. */
    public NDArray deltaWeight() {
        NDArray a32 = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
        NDArray b32 = b.getDataType() == DataType.FLOAT32 ? b : b.toType(DataType.FLOAT32, false);
        return b32.matMul(a32).mul(scaling);
    }
}
