package dev.ares.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.ares.core.checkpoint.Checkpoint;
import dev.ares.core.checkpoint.CheckpointInfo;
import dev.ares.core.checkpoint.CheckpointStore;
import dev.ares.core.protocol.CheckpointKind;
import dev.ares.model.DeviceSpec;
import dev.ares.model.lora.LoraAdapters;
import dev.ares.model.lora.LoraConfig;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenConfig;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.vision.ImageFeatures;
import dev.ares.model.weights.SafetensorsDType;
import dev.ares.model.weights.SafetensorsFile;
import dev.ares.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Supervised cold start (ARES stage 1, aepo-spec.md §9): teacher-forced next-token cross-entropy on the response
 * tokens only (prompt tokens masked), averaged over all response tokens of an optimiser step; AdamW with linear
 * warm-up and cosine decay ({@link LrSchedule}); global gradient-norm clipping; gradient accumulation over
 * microbatches under a token budget ({@link SftBatches}).
 *
 * <p>Checkpoints (architecture.md §4 step 5) go to {@code <out>/checkpoints} through core {@link CheckpointStore}
 * every {@code checkpointEvery} steps and after the last step: the Hugging Face folder ({@link PolicyWriter}, f32),
 * {@code optimizer.safetensors} (AdamW moments by parameter name; metadata {@code step}) and {@link SftState}. A
 * run started on an output folder that holds a complete checkpoint resumes from the newest one: weights, moments,
 * step and data position, so it ends with the weights an uninterrupted run would have. The final model is also
 * written as a Hugging Face folder into {@code <out>} itself.
 */
public final class SftTrainer {
    /** Optimiser moments inside a checkpoint. */
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    /** Checkpoint store under the output folder. */
    public static final String CHECKPOINTS = "checkpoints";

    /**
     * What one optimiser step did.
     *
     * @param step         1-based step
     * @param loss         mean cross-entropy (nats) over the step's response tokens
     * @param lr           learning rate used
     * @param gradNorm     global gradient L2 norm before clipping
     * @param tokens       real (unpadded) input tokens processed
     * @param targetTokens response tokens the loss was taken on
     * @param seconds      wall time of the step
     */
    public record StepStats(int step, double loss, double lr, double gradNorm, long tokens, long targetTokens,
                            double seconds) {
    }

    /** Observer of a run (progress display). An exception thrown here aborts the run, as a crash would. */
    public interface Listener {
        /** The run starts at {@code firstStep} (1 for a fresh run) of {@code totalSteps}. */
        default void onStart(int firstStep, int totalSteps, boolean resumed) {
        }

        /** A step completed. */
        void onStep(StepStats stats, int totalSteps);

        /** A checkpoint was written. */
        default void onCheckpoint(int step, Path directory) {
        }
    }

    /**
     * The outcome of {@link #run}.
     *
     * @param resumedFrom the step the run resumed from (0 for a fresh start)
     * @param history     every step of the run, including those before a resume
     * @param checkpoint  the final checkpoint
     * @param modelDir    the Hugging Face folder of the final weights ({@code <out>})
     */
    public record Result(int resumedFrom, List<StepStats> history, Checkpoint checkpoint, Path modelDir) {
    }

    private SftTrainer() {
    }

    /**
     * Trains (or resumes training) and writes checkpoints and the final model.
     *
     * @param baseDir  Hugging Face folder of the initial model (also the source of config and tokenizer files)
     * @param outDir   output folder: {@code checkpoints/}, and the final model folder
     * @param data     the tokenised examples
     * @param settings hyperparameters
     * @param device   where to train
     * @param listener progress observer
     * @throws IllegalStateException when the output folder's newest checkpoint belongs to a run with other settings,
     *                               another base folder or other data (naming what differs), or the loss is not finite
     */
    public static Result run(Path baseDir, Path outDir, SftDataset data, SftSettings settings, DeviceSpec device,
                             Listener listener) {
        return run(baseDir, outDir, data, settings, device, listener, false);
    }

    /**
     * As {@link #run(Path, Path, SftDataset, SftSettings, DeviceSpec, Listener)}, for a Qwen2.5-VL base model
     * choosing whether the vision tower trains with the language model ({@code trainVision}) or stays frozen
     * (docs/vision.md). Examples with images ({@link SftExample#images()}) run through
     * {@link Qwen25VlModel#forwardMultimodal}; the choice is one of the settings a resumed run must repeat.
     *
     * @throws IllegalArgumentException when the data holds images and the base model is not a Qwen2.5-VL model
     */
    public static Result run(Path baseDir, Path outDir, SftDataset data, SftSettings settings, DeviceSpec device,
                             Listener listener, boolean trainVision) {
        return run(baseDir, outDir, data, settings, device, listener, trainVision, null);
    }

    /**
     * As {@link #run(Path, Path, SftDataset, SftSettings, DeviceSpec, Listener, boolean)}, with LoRA when
     * {@code lora} is not null ({@link SftLora}): the base weights stay frozen, only the adapter factors train (AdamW
     * over {@link LoraAdapters#trainableParameters()}, A seeded with {@code settings.seed()}), checkpoints hold the
     * adapter in PEFT layout, and {@code outDir} receives the merged model plus the adapter under
     * {@value SftLora#ADAPTER_DIR}/. The adapter shape is one of the settings a resumed run must repeat.
     */
    public static Result run(Path baseDir, Path outDir, SftDataset data, SftSettings settings, DeviceSpec device,
                             Listener listener, boolean trainVision, LoraConfig lora) {
        Path base = baseDir.toAbsolutePath().normalize();
        CheckpointStore store = new CheckpointStore(outDir.resolve(CHECKPOINTS));
        store.cleanIncomplete();
        Optional<Checkpoint> last = store.latestComplete(true);
        Map<String, String> fields = SftState.fields(settings);
        boolean vlBase = QwenConfig.QWEN2_5_VL.equals(QwenConfig.load(base).modelType());
        if (vlBase) {
            fields.put("vision", trainVision ? "trainable" : "frozen");
        } else if (data.examples().stream().anyMatch(e -> e.images() != null)) {
            throw new IllegalArgumentException("the SFT data holds images but " + base.resolve("config.json")
                    + " is a " + QwenConfig.load(base).modelType() + " model; image examples need a qwen2_5_vl model");
        }
        if (lora != null) {
            fields.put("lora", SftLora.describe(lora));
        }
        String fingerprint = data.fingerprint();
        List<StepStats> history = new ArrayList<>();
        int step = 0;
        QwenModel model;
        SftState resumed = null;
        if (last.isPresent()) {
            resumed = SftState.read(last.get().file(SftState.FILE));
            checkCompatible(last.get(), resumed, fields, base.toString(), fingerprint);
            model = QwenModel.load(lora != null ? base : last.get().directory(), device);
            step = resumed.step();
            history.addAll(resumed.history());
        } else {
            model = QwenModel.load(base, device);
        }
        try (model) {
            if (model instanceof Qwen25VlModel vl) {
                vl.setVisionTrainable(trainVision);
            }
            LoraAdapters adapters = lora == null ? null
                    : SftLora.attach(model, lora, settings.seed(), resumed != null ? last.get().directory() : null);
            AdamW opt = new AdamW(adapters != null ? adapters.trainableParameters() : model.parameters(), settings.peakLr(), settings.beta1(), settings.beta2(), 1e-8,
                    settings.weightDecay());
            if (resumed != null) {
                loadOptimizer(opt, last.get().file(OPTIMIZER_FILE), model.manager(), resumed.step());
            }
            listener.onStart(step + 1, settings.steps(), resumed != null);
            LrSchedule schedule = settings.schedule();
            Checkpoint latest = last.orElse(null);
            while (step < settings.steps()) {
                step++;
                StepStats s = trainStep(model, opt, data, settings, schedule, step);
                history.add(s);
                listener.onStep(s, settings.steps());
                if (step % settings.checkpointEvery() == 0 || step == settings.steps()) {
                    latest = writeCheckpoint(store, model, adapters, opt, base, step, settings, fields, fingerprint,
                            history);
                    store.retain(settings.keepCheckpoints());
                    listener.onCheckpoint(step, latest.directory());
                }
            }
            if (adapters != null) {
                SftLora.finish(model, adapters, base, outDir, step);
            } else {
                PolicyWriter.write(model, base, outDir, SafetensorsDType.F32, Map.of("step", Integer.toString(step)));
            }
            return new Result(resumed == null ? 0 : resumed.step(), List.copyOf(history), latest, outDir);
        }
    }

    /** One optimiser step over the examples at data positions {@code (step-1)*batch .. step*batch-1}. */
    static StepStats trainStep(QwenModel model, AdamW opt, SftDataset data, SftSettings settings, LrSchedule schedule,
                               int step) {
        long t0 = System.nanoTime();
        List<SftExample> batch = new ArrayList<>(settings.batch());
        long first = (long) (step - 1) * settings.batch();
        long targets = 0;
        long tokens = 0;
        for (int i = 0; i < settings.batch(); i++) {
            SftExample e = data.at(first + i, settings.seed());
            batch.add(e);
            targets += e.targetCount();
            tokens += e.length() - 1;
        }
        double loss = 0;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (List<SftExample> rows : SftBatches.split(batch, settings.microTokens(), model.config().numHeads())) {
                try (NDManager mm = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                    SftBatches.Micro a = SftBatches.arrays(rows, mm);
                    NDArray logits = forward(model, rows, a);
                    NDArray picked = logits.logSoftmax(-1).gather(a.targets().expandDims(-1), -1).squeeze(-1);
                    NDArray l = picked.mul(a.lossMask()).sum().neg().div((float) targets);
                    gc.backward(l);
                    loss += l.getFloat();
                    logits.close();
                }
            }
        }
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException("SFT loss is not finite at step " + step + ": " + loss
                    + " (lower the learning rate or check the data)");
        }
        double norm = opt.clipGradientNorm(settings.clipNorm());
        double lr = schedule.at(step);
        opt.step(lr);
        return new StepStats(step, loss, lr, norm, tokens, targets, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Logits {@code [B, T, V]} of a microbatch: the text forward pass, or with images the multimodal one (M-RoPE
     * positions from the ids, the rows' images concatenated in row order, which is the order of their pad runs).
     */
    private static NDArray forward(QwenModel model, List<SftExample> rows, SftBatches.Micro a) {
        List<ImageFeatures> images = new ArrayList<>();
        for (SftExample e : rows) {
            if (e.images() != null) {
                images.add(e.images());
            }
        }
        if (images.isEmpty()) {
            return model.forward(a.ids(), a.positions(), a.mask(), null, false);
        }
        return ((Qwen25VlModel) model).forwardMultimodal(a.ids(), a.mask(), ImageFeatures.concat(images), null, false);
    }

    private static Checkpoint writeCheckpoint(CheckpointStore store, QwenModel model, LoraAdapters adapters, AdamW opt,
                                              Path base, int step,
                                              SftSettings settings, Map<String, String> fields, String fingerprint,
                                              List<StepStats> history) {
        SftState state = new SftState(step, (long) step * settings.batch(), fields, base.toString(), fingerprint,
                List.copyOf(history));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("trainer", "sft");
        meta.put("optimizer", "adamw");
        // a LoRA checkpoint applies to the run's base folder (SftState.base), which plays version 0 of this store
        CheckpointInfo info = adapters != null ? new CheckpointInfo(step, step, CheckpointKind.LORA, 0L, meta)
                : new CheckpointInfo(step, step, CheckpointKind.FULL, null, meta);
        return store.write(info, dir -> {
            if (adapters != null) {
                adapters.save(dir);
            } else {
                PolicyWriter.write(model, base, dir, SafetensorsDType.F32, Map.of("step", Integer.toString(step)));
            }
            SafetensorsWriter.write(dir.resolve(OPTIMIZER_FILE), opt.state(),
                    Map.of("format", "pt", "step", Integer.toString(opt.steps())));
            Files.write(dir.resolve(SftState.FILE), state.toJson());
        });
    }

    private static void loadOptimizer(AdamW opt, Path file, NDManager parent, int step) {
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager m = parent.newSubManager()) {
            String saved = f.metadata().get("step");
            if (saved == null || !saved.equals(Integer.toString(step))) {
                throw new IllegalStateException(file + ": optimiser step " + saved + " does not match trainer step "
                        + step);
            }
            Map<String, NDArray> state = new LinkedHashMap<>();
            for (String n : f.names()) {
                state.put(n, f.load(n, m, null));
            }
            opt.load(state, step);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkCompatible(Checkpoint c, SftState s, Map<String, String> fields, String base,
                                        String fingerprint) {
        String where = "checkpoint v" + c.version() + " at " + c.directory();
        if (!s.training().equals(fields)) {
            List<String> diff = new ArrayList<>();
            fields.forEach((k, v) -> {
                if (!v.equals(s.training().get(k))) {
                    diff.add(k + " " + s.training().get(k) + " -> " + v);
                }
            });
            throw new IllegalStateException(where + " was trained with other settings (" + String.join(", ", diff)
                    + "); use the same settings to resume, or another --out");
        }
        if (!s.base().equals(base)) {
            throw new IllegalStateException(where + " started from " + s.base() + ", not " + base);
        }
        if (!s.data().equals(fingerprint)) {
            throw new IllegalStateException(where + " was trained on other data (fingerprint " + s.data()
                    + ", now " + fingerprint + ")");
        }
    }
}
