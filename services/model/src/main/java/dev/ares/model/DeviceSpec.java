package dev.ares.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a model runs and in which floating-point type (architecture.md §6): {@code cpu} computes in
 * float32, {@code gpu} / {@code gpu:N} in a 16-bit type unless a dtype is given explicitly.
 *
 * <p>Deviation from §6 ("bf16 on GPU"): DJL 0.36's PyTorch JNI aborts the JVM on any BFLOAT16 tensor
 * (creating one or converting to one ends the process with "terminate called without an active
 * exception"; measured on CPU, and the dtype mapping is the same code on GPU). The GPU default is
 * therefore FLOAT16, and BFLOAT16 is refused here with a clear error instead of a crash. BF16
 * checkpoints load fine: they are widened on the host. The GPU path is not run on the build machines.
 *
 * @param kind     {@code "cpu"} or {@code "gpu"}
 * @param index    GPU ordinal ({@code 0} for {@code "gpu"}); {@code -1} for the CPU
 * @param dataType compute and weight type of the model (FLOAT32 or FLOAT16)
 */
public record DeviceSpec(String kind, int index, DataType dataType) {
    public DeviceSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(dataType, "dataType");
        if (!kind.equals("cpu") && !kind.equals("gpu")) {
            throw new IllegalArgumentException("device kind must be cpu or gpu, got '" + kind + "'");
        }
        if (kind.equals("cpu") && index != -1) {
            throw new IllegalArgumentException("cpu takes no index, got " + index);
        }
        if (kind.equals("gpu") && index < 0) {
            throw new IllegalArgumentException("gpu index must be >= 0, got " + index);
        }
        if (dataType == DataType.BFLOAT16) {
            throw new IllegalArgumentException("bfloat16 compute is not available: DJL 0.36's PyTorch JNI aborts the"
                    + " JVM on bfloat16 tensors; use float16 or float32");
        }
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT16) {
            throw new IllegalArgumentException("model dtype must be float32 or float16, got " + dataType);
        }
    }

    /** The CPU in float32. */
    public static DeviceSpec cpu() {
        return new DeviceSpec("cpu", -1, DataType.FLOAT32);
    }

    /**
     * Parses {@code cpu}, {@code gpu} or {@code gpu:N} (case-insensitive) with the default dtype of that
     * device: float32 on the CPU, float16 on a GPU.
     *
     * @throws IllegalArgumentException naming the text when it is none of these
     */
    public static DeviceSpec parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got null");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return cpu();
        }
        if (t.equals("gpu")) {
            return new DeviceSpec("gpu", 0, DataType.FLOAT16);
        }
        if (t.startsWith("gpu:")) {
            try {
                return new DeviceSpec("gpu", Integer.parseInt(t.substring(4)), DataType.FLOAT16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + text + "'", e);
            }
        }
        throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + text + "'");
    }

    /** The same device computing in another dtype (float32 or float16). */
    public DeviceSpec withDataType(DataType type) {
        return new DeviceSpec(kind, index, type);
    }

    /** The DJL device this spec names. */
    public Device device() {
        return kind.equals("cpu") ? Device.cpu() : Device.gpu(index);
    }

    @Override
    public String toString() {
        return (kind.equals("cpu") ? "cpu" : "gpu:" + index) + "/" + dataType;
    }
}
