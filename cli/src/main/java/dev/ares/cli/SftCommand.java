package dev.ares.cli;

import dev.ares.cli.train.ImageCurriculumSft;
import dev.ares.cli.train.JsonlSft;
import dev.ares.cli.train.LevelMix;
import dev.ares.cli.train.LossPlot;
import dev.ares.cli.train.SftProgress;
import dev.ares.core.data.BadRowPolicy;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.model.DeviceSpec;
import dev.ares.model.bench.DemoModel;
import dev.ares.model.lora.LoraConfig;
import dev.ares.model.bench.DemoVlModel;
import dev.ares.model.qwen.QwenConfig;
import dev.ares.model.tokenizer.ChatTemplate;
import dev.ares.model.tokenizer.ChatTemplates;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.model.train.SftDataset;
import dev.ares.model.train.SftJsonl;
import dev.ares.model.train.SftRecord;
import dev.ares.model.train.SftSettings;
import dev.ares.model.train.SftTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./ares sft} (issue 5 item 7): the supervised cold start of ARES stage 1 (aepo-spec.md §9) on an AdaCS
 * dataset, full fine-tuning with {@link SftTrainer}. Data: a JSONL file written by {@code ./ares curate} (or any
 * chat-layout JSONL, {@link SftJsonl}), or, without {@code --data}, the text curriculum curated with AdaCS on the
 * fly. Base model: a Hugging Face folder ({@code --model}) or {@code --init demo} (the demo-size random Qwen2 with
 * the project's demo tokenizer, written to {@code <out>/base}). Output: the trained model as a Hugging Face folder
 * in {@code --out}, checkpoints in {@code <out>/checkpoints} (a rerun resumes from the newest), {@code loss.png}
 * and {@code sft-log.csv}. {@code --quick} is a short preset for demos.
 */
@Command(name = "sft", mixinStandardHelpOptions = true,
        description = "Supervised cold start (AdaCS SFT): train a model on response tokens, with checkpoints, resume, "
                + "a progress bar and a loss plot.")
public final class SftCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", description = "SFT JSONL (./ares curate's adacs.jsonl, or rows with messages or "
            + "problem+response; rows with EasyR1 images train a Qwen2.5-VL model). Without it the text curriculum is "
            + "curated with AdaCS on the fly.")
    Path data;

    @Option(names = "--init", description = "demo: start from the demo-size random Qwen2 with the demo tokenizer; "
            + "demo-vl: the demo-size random Qwen2.5-VL (docs/vision.md).")
    String init;

    @Option(names = "--modality", defaultValue = "text", description = "Curriculum curated on the fly without --data: "
            + "text, or image (the image families, for a Qwen2.5-VL model) (default ${DEFAULT-VALUE}).")
    String modality;

    @Option(names = "--families", split = ",", description = "With --modality image: families of the on-the-fly "
            + "curriculum (default: every image family).")
    List<String> families;

    @Option(names = "--levels", split = ",", description = "With --modality image: levels of the on-the-fly "
            + "curriculum (default: 1,2,3,4,5).")
    List<Integer> levels;

    @Option(names = "--vision", defaultValue = "trainable", description = "Qwen2.5-VL vision tower: trainable or "
            + "frozen (default ${DEFAULT-VALUE}).")
    String vision;

    @Option(names = "--model", description = "Hugging Face folder to fine-tune (Qwen2/2.5/3 with tokenizer.json).")
    Path model;

    @Option(names = "--out", required = true, description = "Output folder (final model, checkpoints/, loss.png).")
    Path out;

    @Option(names = "--steps", defaultValue = "1000", description = "Optimiser steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Examples per optimiser step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--micro-tokens", defaultValue = "512", description = "Token budget of one microbatch, rows x "
            + "padded length (default ${DEFAULT-VALUE}).")
    int microTokens;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--warmup", defaultValue = "50", description = "Warm-up steps (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--min-lr-ratio", defaultValue = "0.1", description = "Final learning rate as a fraction of the "
            + "peak (default ${DEFAULT-VALUE}).")
    double minLrRatio;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--clip", defaultValue = "1.0", description = "Gradient-norm clip (default ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the data order and of the on-the-fly "
            + "curation (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "Steps between checkpoints "
            + "(default ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--keep", defaultValue = "2", description = "Checkpoints kept (default ${DEFAULT-VALUE}).")
    int keep;

    @Option(names = "--max-len", defaultValue = "768", description = "Longest example in tokens; longer ones are "
            + "left out and counted (default ${DEFAULT-VALUE}).")
    int maxLen;

    @Option(names = "--rows", defaultValue = "4000", description = "Rows curated on the fly without --data "
            + "(default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--pool", defaultValue = "12000", description = "Training-split problems behind the on-the-fly "
            + "curation (default ${DEFAULT-VALUE}).")
    int pool;

    @Option(names = "--prompt", defaultValue = "bare", description = "User text of on-the-fly rows: bare or ares "
            + "(default ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--bad-rows", defaultValue = "fail", description = "fail or skip malformed --data rows "
            + "(default ${DEFAULT-VALUE}).")
    String badRows;

    @Option(names = "--threads", description = "Intra-op threads of libtorch (default: the number of cores).")
    Integer threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--level-repeats", defaultValue = "1,1,1,1,1", description = "Times each row of curriculum "
            + "level 1..5 is repeated in one pass over the data, e.g. 4,2,1,1,1 (default ${DEFAULT-VALUE}; "
            + "docs/results/cold-start.md).")
    String levelRepeats;

    @Option(names = "--lora-rank", description = "Train a LoRA adapter of this rank instead of every weight (the base "
            + "stays frozen; --out gets the merged model and the adapter in PEFT layout under adapter/).")
    Integer loraRank;

    @Option(names = "--lora-alpha", description = "LoRA alpha; the update is scaled by alpha / rank (default: 2 x rank).")
    Double loraAlpha;

    @Option(names = "--lora-targets", split = ",", defaultValue = "all-linear", description = "Projections with an "
            + "adapter: q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj or all-linear (default ${DEFAULT-VALUE}).")
    List<String> loraTargets;

    @Option(names = "--quick", description = "Demo preset: the demo recipe shortened to 150 steps (about 2 minutes on "
            + "2 cores; explicit flags still win).")
    boolean quick;

    private LevelMix mix;

    @Override
    public Integer call() throws IOException {
        applyQuickPreset();
        if ((init == null) == (model == null)) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --init demo and --model DIR");
        }
        if (init != null && !init.equals("demo") && !init.equals("demo-vl")) {
            throw new ParameterException(spec.commandLine(), "--init must be demo or demo-vl, got '" + init + "'");
        }
        if (!modality.equals("text") && !modality.equals("image")) {
            throw new ParameterException(spec.commandLine(), "--modality must be text or image, got '" + modality + "'");
        }
        if (!vision.equals("trainable") && !vision.equals("frozen")) {
            throw new ParameterException(spec.commandLine(), "--vision must be trainable or frozen, got '" + vision + "'");
        }
        if ((families != null || levels != null) && !modality.equals("image")) {
            throw new ParameterException(spec.commandLine(), "--families and --levels choose the image curriculum; "
                    + "give --modality image");
        }
        if (model != null && !Files.isRegularFile(model.resolve("config.json"))) {
            throw new ParameterException(spec.commandLine(), "--model " + model + ": no config.json there");
        }
        if (data != null && !Files.isRegularFile(data)) {
            throw new ParameterException(spec.commandLine(), "--data " + data + ": no such file");
        }
        BadRowPolicy policy = switch (badRows) {
            case "fail" -> BadRowPolicy.FAIL;
            case "skip" -> BadRowPolicy.SKIP;
            default -> throw new ParameterException(spec.commandLine(), "--bad-rows must be fail or skip, got '"
                    + badRows + "'");
        };
        PromptFormat format = switch (prompt) {
            case "bare" -> PromptFormat.BARE;
            case "ares" -> PromptFormat.ARES;
            default -> throw new ParameterException(spec.commandLine(), "--prompt must be bare or ares, got '" + prompt + "'");
        };
        if (rows < 1 || pool < 1) {
            throw new ParameterException(spec.commandLine(), "--rows and --pool must be >= 1");
        }
        SftSettings settings;
        try {
            settings = new SftSettings(steps, batch, microTokens, lr, Math.min(warmup, steps), minLrRatio, weightDecay,
                    0.9, 0.999, clip, seed, checkpointEvery, keep);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (threads != null) {
            if (threads < 1) {
                throw new ParameterException(spec.commandLine(), "--threads must be >= 1, got " + threads);
            }
            ai.djl.engine.Engine.getInstance();
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        LoraConfig lora = loraConfig();
        try {
            mix = LevelMix.parse(levelRepeats);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--level-repeats: " + e.getMessage());
        }
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Files.createDirectories(out);
        Path base = model != null ? model : "demo-vl".equals(init) ? demoVlBase(out.resolve("base"))
                : demoBase(out.resolve("base"));
        long t0 = System.nanoTime();
        SftDataset dataset = load(base, format, policy, err);
        err.printf(Locale.ROOT, "sft: %d examples (%d longer than %d tokens left out), %.1f s to prepare%n",
                dataset.size(), dataset.truncated(), maxLen, (System.nanoTime() - t0) / 1e9);
        SftProgress progress = new SftProgress(err, System.console() != null, Math.max(1, steps / 50));
        SftTrainer.Result result;
        long t1 = System.nanoTime();
        try {
            result = SftTrainer.run(base, out, dataset, settings, DeviceSpec.parse(device), progress,
                    vision.equals("trainable"), lora);
        } finally {
            progress.finish();
        }
        double seconds = (System.nanoTime() - t1) / 1e9;
        writeLog(result.history(), out.resolve("sft-log.csv"));
        LossPlot.write(result.history(), "SFT cold start: " + dataset.size() + " examples, batch " + batch
                + ", peak lr " + lr, out.resolve("loss.png"), 900, 520);
        int n = result.history().size();
        double tail = 0;
        int m = Math.min(20, n);
        long tokens = 0;
        for (int i = 0; i < n; i++) {
            if (i >= n - m) {
                tail += result.history().get(i).loss();
            }
            if (i >= result.resumedFrom()) {
                tokens += result.history().get(i).tokens();
            }
        }
        o.printf(Locale.ROOT, "trained %d steps (%s) in %.1f s, %.0f tokens/s; mean loss of the last %d steps %.4f%n",
                n, result.resumedFrom() > 0 ? "resumed at step " + result.resumedFrom() : "fresh", seconds,
                tokens / Math.max(seconds, 1e-9), m, tail / m);
        o.printf(Locale.ROOT, "model: %s  checkpoint: %s  loss plot: %s%n", result.modelDir(),
                result.checkpoint().directory(), out.resolve("loss.png"));
        o.println("evaluate: ./ares eval --model " + result.modelDir() + " --prompt " + prompt);
        o.flush();
        return 0;
    }

    /** The LoRA settings of --lora-rank/--lora-alpha/--lora-targets, or null for full fine-tuning. */
    private LoraConfig loraConfig() {
        if (loraRank == null) {
            if (loraAlpha != null) {
                throw new ParameterException(spec.commandLine(), "--lora-alpha needs --lora-rank");
            }
            return null;
        }
        try {
            return LoraConfig.of(loraRank, loraAlpha != null ? loraAlpha : 2.0 * loraRank, loraTargets,
                    model != null ? model.toString() : null);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--lora-rank/--lora-alpha/--lora-targets: " + e.getMessage());
        }
    }

    /**
     * The demo recipe (docs/results/cold-start.md): with {@code --init demo} and no {@code --data}, options the user
     * did not give take the values measured to train the demo model in under 15 minutes on 2 cores: AdaCS rows of
     * the text curriculum up to 144 tokens, level-1 rows eight and level-2 rows six times per pass, 1,000 steps of 16,
     * peak lr 3e-3 after 30 warm-up steps, weight decay 0.1. {@code --quick} shortens it to 150 steps for demos
     * (about 2 minutes). Only options the user did not give are changed.
     */
    private void applyQuickPreset() {
        var parsed = spec.commandLine().getParseResult();
        boolean recipe = "demo".equals(init) && data == null && !"image".equals(modality);
        if (!recipe && !quick) {
            return;
        }
        setIfUnset(parsed, "--steps", () -> steps = quick ? 150 : 1000);
        setIfUnset(parsed, "--batch", () -> batch = 16);
        setIfUnset(parsed, "--warmup", () -> warmup = quick ? 15 : 30);
        setIfUnset(parsed, "--lr", () -> lr = 3e-3);
        setIfUnset(parsed, "--weight-decay", () -> weightDecay = 0.1);
        setIfUnset(parsed, "--max-len", () -> maxLen = 144);
        setIfUnset(parsed, "--checkpoint-every", () -> checkpointEvery = quick ? 50 : 100);
        setIfUnset(parsed, "--rows", () -> rows = 4000);
        setIfUnset(parsed, "--pool", () -> pool = 16000);
        setIfUnset(parsed, "--level-repeats", () -> levelRepeats = "8,6,1,1,1");
    }

    private static void setIfUnset(picocli.CommandLine.ParseResult parsed, String option, Runnable set) {
        if (!parsed.hasMatchedOption(option)) {
            set.run();
        }
    }

    private SftDataset load(Path base, PromptFormat format, BadRowPolicy policy, PrintWriter err) {
        try (QwenTokenizer tok = QwenTokenizer.load(base)) {
            tok.checkFits(QwenConfig.load(base));
            List<SftRecord> records;
            if (data == null && modality.equals("image")) {
                return ImageCurriculumSft.dataset(base, tok, families, levels, rows, pool, seed, format, maxLen);
            }
            ChatTemplate template = ChatTemplates.forModel(base);
            Set<Integer> eos = new LinkedHashSet<>();
            for (String s : List.of("<|im_end|>", "<|endoftext|>")) {
                Integer id = tok.specialId(s);
                if (id != null) {
                    eos.add(id);
                }
            }
            if (eos.isEmpty()) {
                throw new IllegalStateException(base.resolve("tokenizer.json") + " has neither <|im_end|> nor "
                        + "<|endoftext|>: no end-of-turn token to train on");
            }
            if (data != null) {
                // text rows, and image rows for a Qwen2.5-VL base (docs/vision.md "SFT from a file with images")
                return JsonlSft.dataset(data, base, tok, eos, mix, policy, maxLen, err);
            }
            records = mix.apply(SftDataset.curriculumRecords(rows, pool, seed, format, tok));
            return SftDataset.tokenize(records, tok, template, eos, maxLen);
        }
    }

    /** Writes the demo Qwen2.5-VL model (with the demo tokenizer) into {@code dir} once (kept for resumes). */
    static Path demoVlBase(Path dir) {
        if (Files.isRegularFile(dir.resolve("model.safetensors")) && Files.isRegularFile(dir.resolve("tokenizer.json"))
                && Files.isRegularFile(dir.resolve("preprocessor_config.json"))) {
            return dir;
        }
        return DemoVlModel.write(dir);
    }

    /** Writes the demo model and the demo tokenizer into {@code dir} once (kept for resumes). */
    static Path demoBase(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("model.safetensors")) && Files.isRegularFile(dir.resolve("tokenizer.json"))
                && Files.isRegularFile(dir.resolve("tokenizer_config.json"))) {
            return dir;
        }
        DemoModel.write(dir);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            try (InputStream in = SftCommand.class.getResourceAsStream("/ares/demo-tokenizer/" + f)) {
                if (in == null) {
                    throw new IOException("resource /ares/demo-tokenizer/" + f + " is missing from the classpath");
                }
                Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private static void writeLog(List<SftTrainer.StepStats> history, Path csv) throws IOException {
        StringBuilder sb = new StringBuilder("step,loss,lr,grad_norm,tokens,target_tokens,seconds\n");
        for (SftTrainer.StepStats s : history) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6e,%.4f,%d,%d,%.4f%n", s.step(), s.loss(), s.lr(),
                    s.gradNorm(), s.tokens(), s.targetTokens(), s.seconds()));
        }
        Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString());
        Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
