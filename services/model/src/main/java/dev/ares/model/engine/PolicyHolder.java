package dev.ares.model.engine;

import dev.ares.core.checkpoint.CheckpointPaths;
import dev.ares.core.checkpoint.CheckpointStore;
import dev.ares.core.compute.Readiness;
import dev.ares.core.io.ConfinedPath;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.CheckpointKind;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The policy a rollout or inference replica serves, and its hot swap (architecture.md §4 step 2, §7): a newer
 * checkpoint event is resolved inside the checkpoint root, verified against its SHA-256 manifest, loaded beside the
 * current policy and switched to atomically; requests already running finish on the old one, which is closed when
 * the last of them ends. Older or equal versions are ignored.
 */
public final class PolicyHolder implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PolicyHolder.class.getName());
    private final Path checkpointsRoot;
    private final DeviceSpec device;
    private final TriggerVocabulary words;
    private final AtomicReference<LoadedPolicy> current = new AtomicReference<>();
    private volatile String status = "no model loaded: set ares.model.dir or wait for a checkpoint event on ares.checkpoints";

    /**
     * @param checkpointsRoot the only directory checkpoint URIs may point into
     * @param device          where models are loaded (cpu here; gpu paths are configured, not run, on build machines)
     */
    public PolicyHolder(Path checkpointsRoot, DeviceSpec device, TriggerVocabulary words) {
        this.checkpointsRoot = checkpointsRoot.toAbsolutePath().normalize();
        this.device = device;
        this.words = words;
    }

    /** Loads a Hugging Face folder given by configuration as version 0 (a checkpoint of a higher version replaces it). */
    public void loadFolder(Path dir) {
        status = "loading " + dir;
        try {
            swap(LoadedPolicy.load(dir, 0, device, words));
        } catch (RuntimeException e) {
            status = "no model loaded: " + dir + " failed to load: " + e.getMessage();
            throw e;
        }
    }

    /**
     * Loads {@code dir} on a daemon thread, so a service is live at once and ready once the model is in memory; a
     * failure is logged and kept as the not-ready reason.
     */
    public void loadFolderInBackground(Path dir) {
        Thread loader = new Thread(() -> {
            try {
                loadFolder(dir);
                LOG.log(System.Logger.Level.INFO, "model loaded from " + dir);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "model " + dir + " failed to load: " + e.getMessage());
            }
        }, "model-loader");
        loader.setDaemon(true);
        loader.start();
    }

    /**
     * Verifies and loads the checkpoint an event announces, when it is newer than the one served.
     *
     * @throws IllegalArgumentException when the URI escapes the checkpoint root, the checkpoint is incomplete or its
     *     manifest does not match the announced SHA-256, or it is a LoRA adapter (served after {@code ares merge})
     */
    public void onCheckpoint(CheckpointEvent event) {
        LoadedPolicy now = current.get();
        if (now != null && event.version() <= now.version()) {
            return;
        }
        if (event.kind() != CheckpointKind.FULL) {
            throw new IllegalArgumentException("checkpoint v" + event.version() + " is a " + event.kind()
                    + " adapter: serve its merged folder (ares merge) instead");
        }
        Path dir = resolve(event.uri());
        if (!dir.getFileName().toString().equals(CheckpointPaths.dirName(event.version()))) {
            throw new IllegalArgumentException("checkpoint URI " + event.uri() + " does not name the directory of version "
                    + event.version() + " (" + CheckpointPaths.dirName(event.version()) + ")");
        }
        CheckpointStore store = new CheckpointStore(dir.getParent());
        Path verified = store.open(event.version(), event.manifestSha256()).directory();
        swap(LoadedPolicy.load(verified, event.version(), device, words));
    }

    private Path resolve(String uri) {
        // The one confinement of file references from records (issue 10, security item 3): '..' and anything outside
        // the checkpoint root, symbolic links included, are refused.
        return ConfinedPath.absolute(checkpointsRoot, uri, "CheckpointEvent.uri");
    }

    private void swap(LoadedPolicy next) {
        LoadedPolicy old = current.getAndSet(next);
        status = "policy v" + next.version() + " loaded from " + next.dir() + " on " + device;
        if (old != null) {
            old.release();
        }
    }

    /**
     * Runs {@code work} on the current policy, holding a lease so a concurrent swap cannot close it meanwhile.
     *
     * @throws IllegalStateException when no policy is loaded
     */
    public <T> T withPolicy(Function<LoadedPolicy, T> work) {
        while (true) {
            LoadedPolicy p = current.get();
            if (p == null) {
                throw new IllegalStateException(status);
            }
            if (p.acquire()) {
                try {
                    return work.apply(p);
                } finally {
                    p.release();
                }
            }
        }
    }

    /** The served version, or -1 when none is loaded. */
    public long version() {
        LoadedPolicy p = current.get();
        return p == null ? -1 : p.version();
    }

    /** Ready when a policy is loaded; otherwise why not. */
    public Readiness readiness() {
        return current.get() != null ? Readiness.up(status) : Readiness.down(status);
    }

    @Override
    public void close() {
        LoadedPolicy old = current.getAndSet(null);
        if (old != null) {
            old.release();
        }
    }
}
