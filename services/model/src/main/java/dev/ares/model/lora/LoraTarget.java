package dev.ares.model.lora;

import dev.ares.model.qwen.QwenConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The linear projections of a Qwen decoder layer that can carry a LoRA adapter, under their Hugging Face
 * module names. This runtime fuses q/k/v into one {@code qkv_proj} and gate/up into one {@code gate_up_proj}
 * ({@link dev.ares.model.qwen.GqaAttention}, {@link dev.ares.model.qwen.SwiGluMlp}); {@link #rowOffset} says
 * where a target's rows start inside its fused matrix, so an adapter on {@code k_proj} changes exactly the k
 * rows of the fused output.
 */
public enum LoraTarget {
    /** {@code self_attn.q_proj}: hidden to H*D; rows {@code [0, H*D)} of qkv_proj. */
    Q_PROJ("self_attn", Fused.QKV),
    /** {@code self_attn.k_proj}: hidden to KV*D; rows {@code [H*D, H*D + KV*D)} of qkv_proj. */
    K_PROJ("self_attn", Fused.QKV),
    /** {@code self_attn.v_proj}: hidden to KV*D; the last KV*D rows of qkv_proj. */
    V_PROJ("self_attn", Fused.QKV),
    /** {@code self_attn.o_proj}: H*D to hidden. */
    O_PROJ("self_attn", Fused.O),
    /** {@code mlp.gate_proj}: hidden to I; rows {@code [0, I)} of gate_up_proj. */
    GATE_PROJ("mlp", Fused.GATE_UP),
    /** {@code mlp.up_proj}: hidden to I; rows {@code [I, 2I)} of gate_up_proj. */
    UP_PROJ("mlp", Fused.GATE_UP),
    /** {@code mlp.down_proj}: I to hidden. */
    DOWN_PROJ("mlp", Fused.DOWN);

    /** The runtime matrix a target lives in. */
    public enum Fused {
        /** {@code self_attn.qkv_proj}: q, k, v rows. */
        QKV("self_attn.qkv_proj.weight"),
        /** {@code self_attn.o_proj}. */
        O("self_attn.o_proj.weight"),
        /** {@code mlp.gate_up_proj}: gate rows, then up rows. */
        GATE_UP("mlp.gate_up_proj.weight"),
        /** {@code mlp.down_proj}. */
        DOWN("mlp.down_proj.weight");

        private final String parameterSuffix;

        Fused(String parameterSuffix) {
            this.parameterSuffix = parameterSuffix;
        }

        /** Its name in {@link dev.ares.model.qwen.QwenModel#parameters()} for layer {@code layer}. */
        public String parameterName(int layer) {
            return "model.layers." + layer + "." + parameterSuffix;
        }

        /** The targets that live in this matrix, in row order. */
        public List<LoraTarget> members() {
            return Arrays.stream(LoraTarget.values()).filter(t -> t.fused == this).toList();
        }
    }

    private final String block;
    private final Fused fused;

    LoraTarget(String block, Fused fused) {
        this.block = block;
        this.fused = fused;
    }

    /** The Hugging Face module name, e.g. {@code q_proj} (what PEFT's {@code target_modules} lists). */
    public String moduleName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The module's path in the Hugging Face model, e.g. {@code model.layers.3.self_attn.q_proj}. */
    public String modulePath(int layer) {
        return "model.layers." + layer + "." + block + "." + moduleName();
    }

    /** The runtime matrix holding this target's rows. */
    public Fused fused() {
        return fused;
    }

    /** Input width of the projection. */
    public long inFeatures(QwenConfig c) {
        return switch (this) {
            case O_PROJ -> (long) c.numHeads() * c.headDim();
            case DOWN_PROJ -> c.intermediateSize();
            default -> c.hiddenSize();
        };
    }

    /** Output width (rows) of the projection. */
    public long outFeatures(QwenConfig c) {
        return switch (this) {
            case Q_PROJ -> (long) c.numHeads() * c.headDim();
            case K_PROJ, V_PROJ -> (long) c.numKvHeads() * c.headDim();
            case GATE_PROJ, UP_PROJ -> c.intermediateSize();
            case O_PROJ, DOWN_PROJ -> c.hiddenSize();
        };
    }

    /** First row of this projection inside its fused matrix. */
    public long rowOffset(QwenConfig c) {
        return switch (this) {
            case K_PROJ -> (long) c.numHeads() * c.headDim();
            case V_PROJ -> (long) (c.numHeads() + c.numKvHeads()) * c.headDim();
            case UP_PROJ -> c.intermediateSize();
            default -> 0;
        };
    }

    /** The target whose {@link #moduleName()} is {@code name}, or null. */
    public static LoraTarget byModuleName(String name) {
        for (LoraTarget t : values()) {
            if (t.moduleName().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The supported module names, for error messages. */
    public static List<String> moduleNames() {
        return Arrays.stream(values()).map(LoraTarget::moduleName).toList();
    }
}
