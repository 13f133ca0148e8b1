package dev.ares.model.learner;

import dev.ares.core.checkpoint.Checkpoint;
import dev.ares.core.checkpoint.CheckpointInfo;
import dev.ares.core.checkpoint.CheckpointListener;
import dev.ares.core.checkpoint.CheckpointStore;
import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.Readiness;
import dev.ares.core.learner.BatchSummary;
import dev.ares.core.learner.LearnerBook;
import dev.ares.core.learner.LearnerState;
import dev.ares.core.learner.Outcome;
import dev.ares.core.learner.PromptSource;
import dev.ares.core.learner.StalePolicy;
import dev.ares.core.learner.Triage;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.CheckpointKind;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.TrainEvent;
import dev.ares.model.lora.LoraAdapters;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.train.PolicyWriter;
import dev.ares.model.weights.SafetensorsDType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The learner's training loop on a DJL model (architecture.md §4; issue 6 item 3): schedules requests
 * ({@link LearnerBook}), trains on scored batches ({@link PolicyTrainer}), writes atomic checkpoints and resumes
 * from the latest complete one.
 *
 * <p>Checkpoint layout ({@code <ares.checkpoints.root>/<run id>/v<version>/}, written through
 * {@link CheckpointStore}: temporary directory, fsync, SHA-256 manifest last, rename): the policy as a Hugging
 * Face folder (unfused {@code model.safetensors}, {@code config.json}, tokenizer files; {@link PolicyWriter}),
 * {@value LearnerState#FILE} and {@value LearnerOptimizer#FILE}. The version is the number of finished steps, and
 * it becomes the policy version later requests carry.
 *
 * <p>Startup: the learner state of the latest complete checkpoint is read at once (so {@link #resumeOffset} is
 * right from the first partition assignment); the models load on a background thread and {@link #readiness()}
 * turns UP when they are in memory. {@link #train} and {@link #nextRequests} are serialised on this object.
 *
 * <p>LoRA ({@link LoraSettings#enabled()}): the policy is the initial folder with adapters attached (new ones, or
 * the latest checkpoint's {@code adapter/} folder when resuming); only the adapters' A and B are trained and have
 * optimizer state; a checkpoint holds the merged weights (servable as is) plus the adapter
 * ({@link LoraCheckpoint}).
 *
 * <p>Over-stale groups are counted as stale and, with {@link StalePolicy#DIVERT}, handed to the
 * {@link #setStaleSink stale sink} before the batch is recorded. {@link #setFaultHook} installs a test hook at the
 * crash points of reliability.md scenario 1.
 *
 * <p>Image curricula (Qwen2.5-VL): the trainer gets the images of each group from the request the loop scheduled
 * for it ({@link PromptImages}, blobs under {@link LoopSettings#blobsRoot()}); the policy's vision tower is trained
 * or frozen by {@link LoopSettings#visionTrainable()}. A group whose images cannot be resolved (missing or corrupt
 * blob, undecodable image, pads that do not fit) is left out of the step alone and recorded as
 * {@link Outcome#FILTERED} with reason {@value #IMAGE_ERROR} (metric {@code learner/image_errors}); the rest of the
 * batch trains.
 */
public final class ModelLearnerLoop implements LearnerLoop, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModelLearnerLoop.class.getName());
    /** The reason of a group taken out of a step because its images could not be resolved. */
    public static final String IMAGE_ERROR = "image-error";

    private final LoopSettings settings;
    private final LearnerBook book;
    private final PromptSource prompts;
    private final CheckpointStore store;
    private final Optional<Checkpoint> resumeFrom;
    private final Optional<LearnerState> resumeState;
    private volatile PolicyTrainer trainer;
    private volatile QwenModel policy;
    private volatile QwenModel reference;
    private volatile Path sourceDir;
    private volatile Readiness readiness = Readiness.down("loading the policy and reference models");
    private volatile LoraAdapters adapters;
    private volatile LearnerFaultHook faultHook = LearnerFaultHook.NONE;
    private volatile StaleSink staleSink = StaleSink.NONE;

    /**
     * Opens the run's checkpoint store and reads the learner state of its latest complete checkpoint; call
     * {@link #load()} (or {@link #loadInBackground()}) before training.
     *
     * @throws IllegalArgumentException when the latest checkpoint's learner state is unreadable or of another run
     */
    public ModelLearnerLoop(LoopSettings settings, PromptSource prompts) {
        this.settings = settings;
        this.book = new LearnerBook(settings.schedule(), prompts);
        this.prompts = prompts;
        this.store = new CheckpointStore(settings.runStore(), CheckpointListener.NONE,
                (phase, version, dir) -> faultHook.atCheckpoint(phase, version, dir));
        store.cleanIncomplete();
        this.resumeFrom = store.latestComplete();
        if (resumeFrom.isPresent()) {
            Checkpoint c = resumeFrom.get();
            try {
                LearnerState s = LearnerState.fromJson(Files.readAllBytes(c.file(LearnerState.FILE)),
                        c.directory().resolve(LearnerState.FILE).toString());
                book.restore(s);
                this.resumeState = Optional.of(s);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + c.directory().resolve(LearnerState.FILE), e);
            }
        } else {
            this.resumeState = Optional.empty();
        }
    }

    /**
     * Loads the policy (from the latest checkpoint, else the initial folder), the frozen reference (the initial
     * folder) and, when resuming, the optimizer state and KL controller state. Idempotent.
     *
     * @throws RuntimeException when a folder cannot be loaded (readiness stays DOWN with the reason)
     */
    public synchronized void load() {
        if (trainer != null) {
            return;
        }
        try {
            LoraSettings lora = settings.lora();
            // with LoRA the base stays the initial folder; a checkpoint's adapter goes on top of it
            Path from = lora.enabled() ? settings.initialDir()
                    : resumeFrom.map(Checkpoint::directory).orElse(settings.initialDir());
            readiness = Readiness.down("loading policy from " + from);
            QwenModel p = QwenModel.load(from, settings.device());
            QwenModel r;
            try {
                r = QwenModel.load(settings.initialDir(), settings.device());
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
            LoraAdapters a = null;
            PolicyTrainer t;
            try {
                if (p instanceof Qwen25VlModel vl) {
                    // before the trainer: its optimizer takes the parameters this choice selects
                    vl.setVisionTrainable(settings.visionTrainable());
                }
                if (lora.enabled()) {
                    a = resumeFrom.isPresent()
                            ? LoraAdapters.load(resumeFrom.get().directory().resolve(LoraCheckpoint.ADAPTER_DIR), p)
                            : LoraAdapters.attach(p, lora.config(settings.initialDir().toString()), lora.seed());
                    t = new PolicyTrainer(p, r, settings.trainer(), a.trainableParameters());
                } else {
                    t = new PolicyTrainer(p, r, settings.trainer());
                }
                if (p instanceof Qwen25VlModel) {
                    t.setImages(new PromptImages(prompts, settings.schedule(), settings.blobsRoot(),
                            settings.initialDir()));
                }
            } catch (RuntimeException e) {
                p.close();
                r.close();
                throw e;
            }
            if (resumeFrom.isPresent()) {
                t.optimizer().load(resumeFrom.get().file(LearnerOptimizer.FILE));
                t.restoreKlState(resumeState.orElseThrow().klState());
            }
            policy = p;
            reference = r;
            adapters = a;
            // config and tokenizer files of every checkpoint come from the initial folder: a resumed policy's own
            // checkpoint directory is deleted by retention a few checkpoints later (found by the soak run)
            sourceDir = settings.initialDir();
            trainer = t;
            readiness = Readiness.up("policy v" + book.policyVersion() + " of run " + settings.schedule().runId()
                    + " loaded from " + from + (a == null ? "" : " with LoRA rank " + lora.rank() + " adapters")
                    + ", reference from " + settings.initialDir() + " on " + settings.device());
        } catch (RuntimeException e) {
            readiness = Readiness.down("learner failed to load: " + e.getMessage());
            throw e;
        }
    }

    /** {@link #load()} on a daemon thread; a failure is logged and kept as the not-ready reason. */
    public void loadInBackground() {
        Thread t = new Thread(() -> {
            try {
                load();
                LOG.log(System.Logger.Level.INFO, readiness.reason());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "learner failed to load: " + e.getMessage());
            }
        }, "learner-loader");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public synchronized List<RolloutRequest> nextRequests() {
        if (trainer == null) {
            return List.of();
        }
        return book.nextRequests();
    }

    @Override
    public synchronized StepOutcome train(ScoredBatch batch, int partition, long offset) {
        PolicyTrainer t = trainer;
        if (t == null) {
            throw new IllegalStateException("learner is not loaded: " + readiness.reason());
        }
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must be >= 0, got " + partition + "/" + offset);
        }
        Triage triage = book.triage(batch);
        faultHook.at(LearnerFaultHook.Point.AFTER_CONSUME, batch.step());
        TreeMap<String, Double> metrics = new TreeMap<>();
        if (!batch.runId().equals(settings.schedule().runId())) {
            book.commit(triage, false, partition, offset);
            metrics.put("learner/ignored", 1.0);
            putOutcomes(metrics, triage);
            return new StepOutcome(new TrainEvent(batch.runId(), batch.step(), metrics, Instant.now()), Optional.empty());
        }
        long before = book.stepsFinished();
        // an image group whose blob is missing, corrupt or undecodable is taken out alone (filtered, reason
        // image-error) instead of failing the whole batch into the dead-letter topic
        Map<String, RuntimeException> imageErrors = t.prepareImages(batch, triage.trainable());
        for (Map.Entry<String, RuntimeException> e : imageErrors.entrySet()) {
            LOG.log(System.Logger.Level.WARNING, "step " + batch.step() + ", group " + e.getKey()
                    + ": images unusable, group filtered (image-error): " + e.getValue().getMessage());
            triage = triage.withoutGroup(e.getKey(), Outcome.FILTERED, e.getKey() + ": " + IMAGE_ERROR + " ("
                    + e.getValue().getMessage() + ")");
        }
        metrics.put("learner/image_errors", (double) imageErrors.size());
        StepMetrics sm;
        try {
            sm = t.step(batch, triage.trainable());
        } catch (RuntimeException e) {
            t.optimizer().discardGradients();
            throw e;
        }
        faultHook.at(LearnerFaultHook.Point.AFTER_OPTIMIZER_STEP, batch.step());
        if (settings.stalePolicy() == StalePolicy.DIVERT && !triage.stale().isEmpty()) {
            staleSink.divert(new ScoredBatch(batch.runId(), batch.step(), triage.stale(), batch.stats(),
                    batch.partial()));
            metrics.put("stale/diverted_groups", (double) triage.stale().size());
        }
        book.commit(triage, sm.stepped(), partition, offset);
        metrics.putAll(BatchSummary.of(batch));
        metrics.putAll(BatchSummary.advantages(triage));
        metrics.putAll(sm.toMap());
        putOutcomes(metrics, triage);
        metrics.put("step/finished", (double) book.stepsFinished());
        metrics.put("optimizer/steps", (double) book.optimizerSteps());
        metrics.put("batch/partial", batch.partial() ? 1.0 : 0.0);
        Optional<CheckpointEvent> ckpt = Optional.empty();
        long finished = book.stepsFinished();
        boolean due = finished > before && (finished % settings.checkpointEvery() == 0 || book.scheduler().done());
        if (due) {
            ckpt = Optional.of(checkpoint(finished, metrics));
            faultHook.at(LearnerFaultHook.Point.AFTER_CHECKPOINT, batch.step());
        }
        metrics.put("policy/version", (double) book.policyVersion());
        for (String r : triage.reasons()) {
            LOG.log(System.Logger.Level.DEBUG, "step " + batch.step() + ": " + r);
        }
        return new StepOutcome(new TrainEvent(batch.runId(), batch.step(), metrics, Instant.now()), ckpt);
    }

    private static void putOutcomes(Map<String, Double> metrics, Triage triage) {
        for (Outcome o : Outcome.values()) {
            metrics.put("outcome/groups/" + o.label(), (double) triage.groups().get(o));
            metrics.put("outcome/trajectories/" + o.label(), (double) triage.trajectories().get(o));
        }
    }

    /** Writes checkpoint {@code version} and makes it the policy version; returns its announcement. */
    private CheckpointEvent checkpoint(long version, Map<String, Double> metrics) {
        LearnerState state = book.stateAt(version, trainer.klState());
        Map<String, String> meta = Map.of("model", settings.modelName(), "run", settings.schedule().runId(),
                "mode", settings.trainer().mode().label(), "optimizerSteps", Long.toString(book.optimizerSteps()));
        Checkpoint c = store.write(new CheckpointInfo(version, version, CheckpointKind.FULL, null, meta), dir -> {
            Map<String, String> weightsMeta = Map.of("policy_version", Long.toString(version), "run",
                    settings.schedule().runId());
            if (adapters != null) {
                LoraCheckpoint.write(policy, adapters, sourceDir, dir, weightsMeta);
            } else {
                PolicyWriter.write(policy, sourceDir, dir, SafetensorsDType.F32, weightsMeta);
            }
            trainer.optimizer().save(dir.resolve(LearnerOptimizer.FILE));
            Files.write(dir.resolve(LearnerState.FILE), state.toJson());
        });
        book.setPolicyVersion(version);
        store.retain(settings.keepCheckpoints());
        TreeMap<String, Double> m = new TreeMap<>();
        for (String k : List.of("reward/mean", "accuracy/mean", "length/mean", "loss/total", "kl/mean")) {
            if (metrics.containsKey(k)) {
                m.put(k, metrics.get(k));
            }
        }
        return new CheckpointEvent(settings.modelName(), version, version, c.directory().toUri().toString(),
                CheckpointKind.FULL, null, c.manifestSha256(), m);
    }

    @Override
    public synchronized OptionalLong resumeOffset(int partition) {
        return book.resumeOffset(partition);
    }

    @Override
    public Readiness readiness() {
        return readiness;
    }

    /** The bookkeeping (read only: for metrics). */
    public LearnerBook book() {
        return book;
    }

    /** The policy being trained, or null before {@link #load()}. */
    public QwenModel policy() {
        return policy;
    }

    /** The LoRA adapters being trained, or null for full fine-tuning (or before {@link #load()}). */
    public LoraAdapters adapters() {
        return adapters;
    }

    /** Installs a fault-injection hook (tests; {@link LearnerFaultHook#NONE} by default). */
    public void setFaultHook(LearnerFaultHook hook) {
        this.faultHook = java.util.Objects.requireNonNull(hook, "hook");
    }

    /** Where diverted stale groups go ({@link StalePolicy#DIVERT}); {@link StaleSink#NONE} by default. */
    public void setStaleSink(StaleSink sink) {
        this.staleSink = java.util.Objects.requireNonNull(sink, "sink");
    }

    /** The loop's settings. */
    public LoopSettings settings() {
        return settings;
    }

    /** The run's checkpoint store. */
    public CheckpointStore store() {
        return store;
    }

    @Override
    public synchronized void close() {
        readiness = Readiness.down("closed");
        trainer = null;
        if (adapters != null) {
            adapters.detach();
            adapters = null;
        }
        if (policy != null) {
            policy.close();
        }
        if (reference != null) {
            reference.close();
        }
    }
}
