package dev.ares.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Atomic, verifiable checkpoint directories (architecture.md §4 step 5; issue 2 item 4).
 *
 * <p>Layout: one directory per version under {@code root} ({@code root/v000012/}), holding the checkpoint's files
 * and a {@code MANIFEST.json} ({@link CheckpointManifest}) with the size and SHA-256 of every file. A write goes to
 * a temporary directory {@code root/.tmp-v000012-<uuid>}; every file and directory is fsynced; the manifest is
 * written last and fsynced; then the directory is renamed atomically to its final name and {@code root} is
 * fsynced. A version directory therefore either does not exist or is complete; a crash leaves at most a temporary
 * directory, which readers ignore and {@link #cleanIncomplete()} removes.
 *
 * <p>Concurrency: any number of readers ({@link #latestComplete()}, {@link #verify}, {@link #open}) in any
 * process, and writers ({@link #write}, {@link #retain}, {@link #cleanIncomplete()}) serialised by an in-JVM
 * lock plus a file lock on {@code root/.lock} (so two processes never write at once). Retention first renames a
 * doomed directory to a temporary name, so a reader never sees a half-deleted version.
 *
 * <p>Versions are non-negative longs that increase monotonically: a write must use a version above every
 * complete one. File names are confined to the version directory ({@link CheckpointPaths}).
 *
 * <p>Reliability (reliability.md scenarios 2 and 3): a checkpoint that does not verify is refused with a
 * {@link CorruptCheckpointException} naming the file and the mismatch, and reported to the store's
 * {@link CheckpointListener} and the process-wide ones (services count it as {@code ares.checkpoint.rejected});
 * {@link #latestVerified()} is what a loader resumes from; a {@link CheckpointFaultHook} is called at each phase
 * of a write so tests can crash it precisely; {@link #openForWriter} removes a crashed write's leftovers at start.
 */
public final class CheckpointStore {
    private static final String LOCK_FILE = ".lock";
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /** Writes a checkpoint's files into the (empty, temporary) directory it is given. */
    @FunctionalInterface
    public interface DirectoryWriter {
        /**
         * @param dir the directory to fill with regular files (sub-directories allowed, no symbolic links, not
         *            {@code MANIFEST.json})
         */
        void writeTo(Path dir) throws IOException;
    }

    private final Path root;
    private final CheckpointListener listener;
    private final CheckpointFaultHook faultHook;

    /**
     * Opens (and creates if missing) a store.
     *
     * @param root directory of the store
     * @throws CheckpointException if {@code root} cannot be created or is not a directory
     */
    public CheckpointStore(Path root) {
        this(root, CheckpointListener.NONE, CheckpointFaultHook.NONE);
    }

    /**
     * Opens (and creates if missing) a store with an observer and a fault-injection hook.
     *
     * @param root      directory of the store
     * @param listener  told of every rejected and written checkpoint (besides the process-wide listeners)
     * @param faultHook called at each phase of a write ({@link CheckpointFaultHook#NONE} outside tests)
     * @throws CheckpointException if {@code root} cannot be created or is not a directory
     */
    public CheckpointStore(Path root, CheckpointListener listener, CheckpointFaultHook faultHook) {
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        this.faultHook = java.util.Objects.requireNonNull(faultHook, "faultHook");
        try {
            Files.createDirectories(root);
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new CheckpointException("cannot open checkpoint store at " + root + ": " + e, e);
        }
    }

    /**
     * Opens a store for its (single) writer at start-up, e.g. a restarted learner: the temporary directories an
     * earlier crash left behind are removed first (reliability.md scenario 3). Safe while readers are active,
     * since readers ignore temporary directories, and while another writer is active, since that writer holds the
     * store's lock for the whole of its write.
     *
     * @return the store, with no temporary directories left
     */
    public static CheckpointStore openForWriter(Path root, CheckpointListener listener) {
        CheckpointStore store = new CheckpointStore(root, listener, CheckpointFaultHook.NONE);
        store.cleanIncomplete();
        return store;
    }

    /** The store's root directory (real path). */
    public Path root() {
        return root;
    }

    /** The directory of {@code version} (whether or not it exists). */
    public Path versionDir(long version) {
        return root.resolve(CheckpointPaths.dirName(version));
    }

    /**
     * Writes a checkpoint whose files the callback creates.
     *
     * @return the complete checkpoint
     * @throws CheckpointException if the version is not above every complete version or exists already, a file
     *                             name is refused, the writer fails, or an I/O error occurs (the temporary
     *                             directory is removed in every case)
     */
    public Checkpoint write(CheckpointInfo info, DirectoryWriter writer) {
        return locked(() -> doWrite(info, writer));
    }

    /** Writes a checkpoint from in-memory files (name -> content); names are relative ({@link CheckpointPaths}). */
    public Checkpoint writeBytes(CheckpointInfo info, Map<String, byte[]> files) {
        Map<String, byte[]> copy = new TreeMap<>(files);
        copy.keySet().forEach(CheckpointStore::checkName);
        return write(info, dir -> {
            for (Map.Entry<String, byte[]> e : copy.entrySet()) {
                Path target = CheckpointPaths.resolveInside(dir, e.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, e.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
        });
    }

    /** Writes a checkpoint by copying existing files (name in the checkpoint -> source file). */
    public Checkpoint copyFiles(CheckpointInfo info, Map<String, Path> files) {
        Map<String, Path> copy = new TreeMap<>(files);
        copy.keySet().forEach(CheckpointStore::checkName);
        return write(info, dir -> {
            for (Map.Entry<String, Path> e : copy.entrySet()) {
                Path target = CheckpointPaths.resolveInside(dir, e.getKey());
                Files.createDirectories(target.getParent());
                Files.copy(e.getValue(), target);
            }
        });
    }

    private static void checkName(String name) {
        CheckpointPaths.checkRelative(name);
        if (name.equals(CheckpointManifest.FILE_NAME)) {
            throw new IllegalArgumentException("checkpoint file name " + name + " is reserved for the manifest");
        }
    }

    private Checkpoint doWrite(CheckpointInfo info, DirectoryWriter writer) {
        long version = info.version();
        Path target = versionDir(version);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new CheckpointException("checkpoint version " + version + " already exists at " + target);
        }
        Optional<Checkpoint> latest = latestComplete();
        if (latest.isPresent() && latest.get().version() >= version) {
            throw new CheckpointException("checkpoint version " + version + " is not above the latest complete version "
                    + latest.get().version() + " in " + root);
        }
        Path temp = root.resolve(CheckpointPaths.TEMP_PREFIX + CheckpointPaths.dirName(version) + "-" + UUID.randomUUID());
        try {
            Files.createDirectory(temp);
            writer.writeTo(temp);
            faultHook.at(CheckpointFaultHook.Phase.FILES_WRITTEN, version, temp);
            List<ManifestEntry> entries = new ArrayList<>();
            List<Path> dirs = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(temp)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (attrs.isDirectory()) {
                        dirs.add(p);
                        continue;
                    }
                    String name = CheckpointPaths.relativeName(temp, p);
                    if (!attrs.isRegularFile()) {
                        throw new CheckpointException("checkpoint v" + version + ": '" + name
                                + "' is not a regular file (symbolic links and special files are refused)");
                    }
                    try {
                        checkName(name);
                    } catch (IllegalArgumentException e) {
                        throw new CheckpointException("checkpoint v" + version + ": " + e.getMessage(), e);
                    }
                    entries.add(new ManifestEntry(name, attrs.size(), CheckpointFiles.hashAndSync(p)));
                }
            }
            for (Path d : dirs) {
                CheckpointFiles.syncDirectory(d);
            }
            faultHook.at(CheckpointFaultHook.Phase.SHARDS_SYNCED, version, temp);
            CheckpointManifest manifest = new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, version,
                    info.step(), info.kind(), info.baseVersion(), Instant.now(), info.metadata(), entries);
            byte[] json = manifest.toJson();
            Path manifestFile = temp.resolve(CheckpointManifest.FILE_NAME);
            try (FileChannel ch = FileChannel.open(manifestFile, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(json);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            CheckpointFiles.syncDirectory(temp);
            faultHook.at(CheckpointFaultHook.Phase.MANIFEST_SYNCED, version, temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            CheckpointFiles.syncDirectory(root);
            Checkpoint committed = new Checkpoint(version, target, manifest, Sha256.hex(json));
            faultHook.at(CheckpointFaultHook.Phase.COMMITTED, version, target);
            CheckpointListener.Global.written(listener, committed);
            return committed;
        } catch (IOException | RuntimeException e) {
            CheckpointFiles.deleteQuietly(temp);
            if (e instanceof CheckpointException ce) {
                throw ce;
            }
            throw new CheckpointException("writing checkpoint v" + version + " into " + root + " failed: " + e, e);
        }
    }

    /** All canonical version directories present (complete or not), ascending. Temporary directories are ignored. */
    public List<Long> versions() {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                long v = CheckpointPaths.parseDirName(p.getFileName().toString());
                if (v >= 0 && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(v);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list checkpoint store " + root + ": " + e, e);
        }
        Collections.sort(out);
        return out;
    }

    /** The newest version whose manifest exists and whose files are present with the listed sizes. */
    public Optional<Checkpoint> latestComplete() {
        return latestComplete(false);
    }

    /**
     * The newest complete version.
     *
     * @param deep also hash every file against the manifest (reads the whole checkpoint)
     */
    public Optional<Checkpoint> latestComplete(boolean deep) {
        List<Long> all = versions();
        for (int i = all.size() - 1; i >= 0; i--) {
            long v = all.get(i);
            Optional<Checkpoint> c = CheckpointVerifier.tryOpen(versionDir(v), v, deep, new ArrayList<>());
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    /** Deep verification of {@code version}: manifest present and valid, every file present with its size and hash. */
    public Verification verify(long version) {
        return verify(version, true);
    }

    /** Verifies {@code version}; {@code deep} hashes file contents, otherwise only presence and sizes are checked. */
    public Verification verify(long version, boolean deep) {
        List<CheckpointProblem> problems = new ArrayList<>();
        CheckpointVerifier.tryOpen(versionDir(version), version, deep, problems);
        return new Verification(version, deep, problems.stream().map(CheckpointProblem::message).toList());
    }

    /**
     * Opens a complete checkpoint. A refusal is reported to the listeners ({@link CheckpointListener#rejected}).
     *
     * @throws CorruptCheckpointException naming the first offending file (and, for a hash mismatch, both SHA-256s)
     *                                    when the version directory exists but does not verify
     * @throws CheckpointException        when the version directory does not exist
     */
    public Checkpoint open(long version, boolean deep) {
        List<CheckpointProblem> problems = new ArrayList<>();
        Optional<Checkpoint> c = CheckpointVerifier.tryOpen(versionDir(version), version, deep, problems);
        if (c.isPresent()) {
            return c.get();
        }
        if (problems.size() == 1 && problems.get(0).kind() == CheckpointProblem.Kind.DIRECTORY_MISSING) {
            throw new CheckpointException("checkpoint v" + version + " in " + root + " does not exist: "
                    + problems.get(0).message());
        }
        throw reject(new CorruptCheckpointException(version, versionDir(version), problems));
    }

    /**
     * The newest version that passes deep verification (every file hashed against its manifest): what a learner
     * resumes from (reliability.md §2 item 2). Each newer version that fails is reported to the listeners as a
     * rejection and skipped, so a truncated or bit-flipped newest checkpoint resolves to the previous complete one.
     */
    public Optional<Checkpoint> latestVerified() {
        List<Long> all = versions();
        for (int i = all.size() - 1; i >= 0; i--) {
            long v = all.get(i);
            List<CheckpointProblem> problems = new ArrayList<>();
            Optional<Checkpoint> c = CheckpointVerifier.tryOpen(versionDir(v), v, true, problems);
            if (c.isPresent()) {
                return c;
            }
            reject(new CorruptCheckpointException(v, versionDir(v), problems));
        }
        return Optional.empty();
    }

    private CorruptCheckpointException reject(CorruptCheckpointException e) {
        CheckpointListener.Global.rejected(listener, e);
        return e;
    }

    /**
     * Opens {@code version} for loading an announced checkpoint: deep verification of every file, and the manifest's
     * SHA-256 must equal the announced one ({@code CheckpointEvent.manifestSha256}, architecture.md §4 step 2).
     *
     * @throws CorruptCheckpointException when the checkpoint is incomplete, corrupt, or not the announced one
     * @throws CheckpointException        when the version directory does not exist
     */
    public Checkpoint open(long version, String expectedManifestSha256) {
        Checkpoint c = open(version, true);
        if (!c.manifestSha256().equals(expectedManifestSha256)) {
            Path manifestFile = c.directory().resolve(CheckpointManifest.FILE_NAME);
            throw reject(new CorruptCheckpointException(version, c.directory(), List.of(new CheckpointProblem(
                    CheckpointProblem.Kind.MANIFEST_MISMATCH, manifestFile, expectedManifestSha256,
                    c.manifestSha256(), manifestFile + " has SHA-256 " + c.manifestSha256() + ", but "
                    + expectedManifestSha256 + " was announced"))));
        }
        return c;
    }

    /**
     * Keeps the newest {@code keep} complete versions (and the FULL base versions their LORA adapters need), and
     * deletes every other version directory older than the newest complete one, plus leftover temporary
     * directories. Never deletes the newest complete version. Incomplete directories newer than it are left
     * alone (they are not ours to judge: see {@link #verify}).
     *
     * @param keep number of complete versions to keep, {@code >= 1}
     * @return the versions deleted, ascending
     */
    public List<Long> retain(int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("retain(keep) needs keep >= 1 so the newest complete checkpoint "
                    + "survives, got " + keep);
        }
        return locked(() -> {
            cleanTemporaries();
            List<Long> all = versions();
            List<Checkpoint> complete = new ArrayList<>();
            for (int i = all.size() - 1; i >= 0; i--) {
                long v = all.get(i);
                CheckpointVerifier.tryOpen(versionDir(v), v, false, new ArrayList<>()).ifPresent(complete::add);
            }
            if (complete.isEmpty()) {
                return List.of();
            }
            long newest = complete.get(0).version();
            Set<Long> kept = new HashSet<>();
            for (int i = 0; i < Math.min(keep, complete.size()); i++) {
                Checkpoint c = complete.get(i);
                kept.add(c.version());
                if (c.manifest().baseVersion() != null) {
                    kept.add(c.manifest().baseVersion());
                }
            }
            List<Long> deleted = new ArrayList<>();
            for (long v : all) {
                if (v < newest && !kept.contains(v)) {
                    deleteVersion(v);
                    deleted.add(v);
                }
            }
            return deleted;
        });
    }

    /**
     * Removes temporary directories left by interrupted writes or deletions (readers ignore them anyway).
     *
     * @return how many were removed
     */
    public int cleanIncomplete() {
        return locked(this::cleanTemporaries);
    }

    private int cleanTemporaries() {
        int removed = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, CheckpointPaths.TEMP_PREFIX + "*")) {
            for (Path p : ds) {
                CheckpointFiles.deleteRecursively(p);
                removed++;
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot clean temporary directories of " + root + ": " + e, e);
        }
        return removed;
    }

    private void deleteVersion(long version) {
        Path dir = versionDir(version);
        Path doomed = root.resolve(CheckpointPaths.TEMP_PREFIX + "delete-" + CheckpointPaths.dirName(version) + "-"
                + UUID.randomUUID());
        try {
            Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
            CheckpointFiles.syncDirectory(root);
            CheckpointFiles.deleteRecursively(doomed);
        } catch (IOException e) {
            throw new CheckpointException("cannot delete checkpoint v" + version + " at " + dir + ": " + e, e);
        }
    }

    private <T> T locked(java.util.function.Supplier<T> action) {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(root, r -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel ch = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = ch.lock();
            try {
                return action.get();
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot lock checkpoint store " + root + ": " + e, e);
        } finally {
            jvmLock.unlock();
        }
    }
}
