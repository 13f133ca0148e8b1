package dev.ares.learner;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.learner.CurriculumPrompts;
import dev.ares.core.learner.LearnerConfigException;
import dev.ares.core.learner.LearnerMode;
import dev.ares.core.learner.ScheduleConfig;
import dev.ares.core.learner.StalePolicy;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Modality;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.TaskFamilies;
import dev.ares.core.tasks.TaskFamily;
import dev.ares.model.DeviceSpec;
import dev.ares.model.learner.LoopSettings;
import dev.ares.model.learner.LoraSettings;
import dev.ares.model.learner.ModelLearnerLoop;
import dev.ares.model.learner.TrainerConfig;
import dev.ares.model.qwen.QwenConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes the service's {@link LearnerLoop} from {@code ares.learner.*} (docs/learner.md lists every key): a
 * {@link ModelLearnerLoop} over the initial Hugging Face folder, resuming from the latest complete checkpoint of
 * {@code <ares.checkpoints.root>/<run id>}, wrapped with its metrics ({@link MeteredLearnerLoop}). The loop is
 * created at startup, so a bad value fails the start with a message naming the key (reliability.md scenario 18);
 * the models then load in the background and the {@code learner-loop} readiness check turns UP when they are in
 * memory.
 */
@ApplicationScoped
public class LearnerLoopProducer {
    private static final Logger LOG = Logger.getLogger(LearnerLoopProducer.class);

    @ConfigProperty(name = "ares.learner.model-dir")
    Optional<String> modelDir;

    @ConfigProperty(name = "ares.checkpoints.root", defaultValue = "/data/checkpoints")
    String checkpointsRoot;

    @ConfigProperty(name = "ares.learner.model-name", defaultValue = "ares-demo")
    String modelName;

    @ConfigProperty(name = "ares.learner.run-id", defaultValue = "run-1")
    String runId;

    @ConfigProperty(name = "ares.learner.mode", defaultValue = "hwe-branch")
    String mode;

    @ConfigProperty(name = "ares.learner.groups-per-step", defaultValue = "8")
    int groupsPerStep;

    @ConfigProperty(name = "ares.learner.n", defaultValue = "8")
    int n;

    @ConfigProperty(name = "ares.learner.max-staleness", defaultValue = "2")
    int maxStaleness;

    @ConfigProperty(name = "ares.learner.branch-budget", defaultValue = "3")
    int branchBudget;

    @ConfigProperty(name = "ares.learner.temperature", defaultValue = "1.0")
    double temperature;

    @ConfigProperty(name = "ares.learner.top-p", defaultValue = "1.0")
    double topP;

    @ConfigProperty(name = "ares.learner.max-new-tokens", defaultValue = "256")
    int maxNewTokens;

    @ConfigProperty(name = "ares.learner.lr", defaultValue = "1e-5")
    double lr;

    @ConfigProperty(name = "ares.learner.max-grad-norm", defaultValue = "1.0")
    double maxGradNorm;

    @ConfigProperty(name = "ares.learner.microbatch-tokens", defaultValue = "4096")
    int microbatchTokens;

    @ConfigProperty(name = "ares.learner.checkpoint-every", defaultValue = "1")
    int checkpointEvery;

    @ConfigProperty(name = "ares.learner.keep-checkpoints", defaultValue = "3")
    int keepCheckpoints;

    @ConfigProperty(name = "ares.learner.seed", defaultValue = "0")
    long seed;

    @ConfigProperty(name = "ares.learner.max-steps", defaultValue = "0")
    long maxSteps;

    @ConfigProperty(name = "ares.learner.device")
    Optional<String> device;

    @ConfigProperty(name = "ares.device", defaultValue = "cpu")
    String sharedDevice;

    @ConfigProperty(name = "ares.learner.prompt-format", defaultValue = "bare")
    String promptFormat;

    @ConfigProperty(name = "ares.learner.families")
    Optional<List<String>> families;

    @ConfigProperty(name = "ares.learner.max-level", defaultValue = "5")
    int maxLevel;

    @ConfigProperty(name = "ares.learner.stale-policy", defaultValue = "drop")
    String stalePolicy;

    @ConfigProperty(name = "ares.learner.importance-weight-cap", defaultValue = "0")
    double importanceWeightCap;

    @ConfigProperty(name = "ares.learner.lora-rank", defaultValue = "0")
    int loraRank;

    @ConfigProperty(name = "ares.learner.lora-alpha", defaultValue = "16")
    double loraAlpha;

    @ConfigProperty(name = "ares.learner.lora-targets", defaultValue = "all-linear")
    List<String> loraTargets;

    /** Image blob store shared with the rollout service; with it the learner may schedule image families. */
    @ConfigProperty(name = "ares.blobs.root")
    Optional<String> blobsRoot;

    /** {@code frozen} (default) or {@code trainable}: the vision tower of a Qwen2.5-VL policy. */
    @ConfigProperty(name = "ares.learner.vision", defaultValue = "frozen")
    String vision;

    @Inject
    StaleGroupPublisher staleGroups;

    @Inject
    LearnerMetrics metrics;

    /**
     * @return the metered model loop, loading in the background; without {@code ares.learner.model-dir} a loop that
     *     schedules nothing and reports why it is not ready
     * @throws LearnerConfigException naming the key when a setting is missing or out of range
     */
    @Produces
    @ApplicationScoped
    LearnerLoop learnerLoop() {
        if (modelDir.filter(x -> !x.isBlank()).isEmpty()) {
            LOG.info("learner: " + UnconfiguredLearnerLoop.REASON);
            return new UnconfiguredLearnerLoop();
        }
        LoopSettings s = settings();
        Curriculum curriculum = curriculum(s);
        ModelLearnerLoop loop = new ModelLearnerLoop(s, new CurriculumPrompts(curriculum, s.schedule().seed(),
                s.schedule().promptFormat(), s.blobsRoot()));
        LOG.infof("learner: run %s, mode %s, %d groups x %d per step, max staleness %d, store %s, %d steps done",
                s.schedule().runId(), s.trainer().mode().label(), s.schedule().groupsPerStep(), s.schedule().n(),
                s.schedule().maxStaleness(), s.runStore(), loop.book().stepsFinished());
        loop.setStaleSink(staleGroups);
        loop.loadInBackground();
        return new MeteredLearnerLoop(loop, metrics);
    }

    /** Every setting, validated; exposed for the configuration tests. */
    LoopSettings settings() {
        String dir = modelDir.filter(x -> !x.isBlank()).orElseThrow(() -> new LearnerConfigException(
                "ares.learner.model-dir", "is required (the initial policy: a Hugging Face folder)", "nothing"));
        Path initial = Path.of(dir);
        if (!Files.isRegularFile(initial.resolve("config.json"))) {
            throw new LearnerConfigException("ares.learner.model-dir", "must be a Hugging Face folder with config.json",
                    dir);
        }
        LearnerMode m = LearnerMode.parse(mode);
        PromptFormat format;
        try {
            format = PromptFormat.valueOf(promptFormat.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LearnerConfigException("ares.learner.prompt-format", "must be bare or ares", promptFormat);
        }
        DeviceSpec dev;
        try {
            dev = DeviceSpec.parse(device.orElse(sharedDevice));
        } catch (IllegalArgumentException e) {
            throw new LearnerConfigException(device.isPresent() ? "ares.learner.device" : "ares.device",
                    "must be cpu, gpu or gpu:N (" + e.getMessage() + ")", device.orElse(sharedDevice));
        }
        ScheduleConfig sc = new ScheduleConfig(runId, groupsPerStep, n, maxStaleness, m.exploration(),
                m.exploration() == ExplorationMode.IID ? 0 : branchBudget, temperature, topP,
                maxNewTokens, List.of(), seed, maxSteps, format, 0);
        TrainerConfig base = TrainerConfig.defaults(m, lr, microbatchTokens, temperature);
        TrainerConfig tc = new TrainerConfig(base.mode(), base.loss(), base.kl(), base.lr(), base.weightDecay(),
                base.beta1(), base.beta2(), base.adamEps(), maxGradNorm, base.tokenBudget(), base.temperature(),
                base.window(), base.windowMode(), importanceWeightCap);
        boolean trainVision = switch (vision.trim().toLowerCase(Locale.ROOT)) {
            case "trainable" -> true;
            case "frozen" -> false;
            default -> throw new LearnerConfigException("ares.learner.vision", "must be frozen or trainable", vision);
        };
        if (trainVision && loraRank > 0) {
            // with LoRA the optimizer holds the adapters' A and B only: a trainable tower would silently stay frozen
            throw new LearnerConfigException("ares.learner.vision", "must be frozen when ares.learner.lora-rank is "
                    + loraRank + " (LoRA trains only the adapters, so the vision tower would not be trained); use "
                    + "full fine-tuning (ares.learner.lora-rank=0) to train the tower", vision);
        }
        return new LoopSettings(modelName, initial, Path.of(checkpointsRoot), checkpointEvery, keepCheckpoints, dev, sc,
                tc, StalePolicy.parse(stalePolicy), new LoraSettings(loraRank, loraAlpha, loraTargets, seed))
                .withImages(blobsRoot.filter(x -> !x.isBlank()).map(Path::of).orElse(null), trainVision);
    }

    /**
     * The configured curriculum ({@code ares.learner.families}, {@code ares.learner.max-level}) for these settings:
     * image families need a blob root ({@code ares.blobs.root}) and an initial model that reads images, i.e. whose
     * {@code config.json} {@code model_type} is {@code qwen2_5_vl} (a text-only model would fail every image rollout,
     * docs/learner.md "Image groups").
     *
     * @throws LearnerConfigException naming {@code ares.learner.families} and the model type when image families meet a
     *     text-only model, or {@code ares.learner.model-dir} when its {@code config.json} cannot be read
     */
    Curriculum curriculum(LoopSettings s) {
        Curriculum c = curriculum(families, maxLevel, s.blobsRoot() != null);
        List<String> imageFamilies = c.entries().stream().filter(e -> e.family().modality() != Modality.TEXT)
                .map(e -> e.family().name()).distinct().toList();
        if (!imageFamilies.isEmpty()) {
            String type;
            try {
                type = QwenConfig.load(s.initialDir()).modelType();
            } catch (RuntimeException e) {
                throw new LearnerConfigException("ares.learner.model-dir", "must hold a readable config.json ("
                        + e.getMessage() + ")", s.initialDir());
            }
            if (!QwenConfig.QWEN2_5_VL.equals(type)) {
                throw new LearnerConfigException("ares.learner.families", "may name image families only with a "
                        + QwenConfig.QWEN2_5_VL + " model, but ares.learner.model-dir " + s.initialDir()
                        + " has model_type " + type + ", which takes text only", imageFamilies);
            }
        }
        return c;
    }

    /**
     * The text curriculum: the named families (default: every text family) at levels 1..{@code maxLevel}, weight 1.
     *
     * @throws LearnerConfigException naming the key for an unknown or image family or a bad level
     */
    static Curriculum curriculum(Optional<List<String>> names, int maxLevel) {
        return curriculum(names, maxLevel, false);
    }

    /**
     * As {@link #curriculum(Optional, int)}; with {@code images} (a blob root is configured) the named families may
     * also be image families (their PNGs go to the blob store, docs/learner.md "Image groups").
     */
    static Curriculum curriculum(Optional<List<String>> names, int maxLevel, boolean images) {
        if (maxLevel < TaskFamily.MIN_LEVEL || maxLevel > TaskFamily.MAX_LEVEL) {
            throw new LearnerConfigException("ares.learner.max-level", "must be in 1..5", maxLevel);
        }
        List<TaskFamily> fams;
        if (names.isPresent() && !names.get().isEmpty()) {
            fams = new java.util.ArrayList<>();
            for (String name : names.get()) {
                TaskFamily f;
                try {
                    f = TaskFamilies.byName(name.trim());
                } catch (IllegalArgumentException e) {
                    throw new LearnerConfigException("ares.learner.families", "must name known text families ("
                            + e.getMessage() + ")", name);
                }
                if (f.modality() != Modality.TEXT && !images) {
                    throw new LearnerConfigException("ares.learner.families", "must name text families only (image "
                            + "families need ares.blobs.root)", name);
                }
                fams.add(f);
            }
        } else {
            fams = TaskFamilies.of(Modality.TEXT);
        }
        Curriculum.Builder b = Curriculum.builder();
        for (TaskFamily f : fams) {
            for (int level = TaskFamily.MIN_LEVEL; level <= maxLevel; level++) {
                b.add(f.name(), level, 1.0);
            }
        }
        return b.build();
    }

    void close(@Disposes LearnerLoop loop) {
        if (loop instanceof MeteredLearnerLoop m) {
            m.close();
        }
    }

    /** Creates the loop at startup (fail fast on configuration) unless a test double replaces it. */
    void start(@Observes StartupEvent ev, LoopReadiness readiness) {
        readiness.present().ifPresent(LearnerLoop::readiness);
    }
}
