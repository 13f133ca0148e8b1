package dev.ares.core.checkpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The process {@link Scenario03CheckpointCrashTest} kills: writes one checkpoint into a store and halts the JVM
 * ({@link Runtime#halt}, no shutdown hooks, no cleanup: what SIGKILL or a power cut leaves) at the given phase.
 * Arguments: store root, version, phase name.
 */
public final class CheckpointCrashChild {
    /** Exit status of the halt, distinct from a normal or failed exit. */
    static final int HALT_STATUS = 77;

    private CheckpointCrashChild() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        long version = Long.parseLong(args[1]);
        CheckpointFaultHook.Phase haltAt = CheckpointFaultHook.Phase.valueOf(args[2]);
        CheckpointStore store = new CheckpointStore(root, CheckpointListener.NONE, (phase, v, dir) -> {
            if (phase == haltAt) {
                Runtime.getRuntime().halt(HALT_STATUS);
            }
        });
        store.writeBytes(CheckpointInfo.full(version, version * 10), Map.of(
                "model.safetensors", ("weights " + version).repeat(1000).getBytes(StandardCharsets.UTF_8),
                "optimizer/state.bin", ("adam " + version).getBytes(StandardCharsets.UTF_8)));
        System.exit(0);
    }
}
