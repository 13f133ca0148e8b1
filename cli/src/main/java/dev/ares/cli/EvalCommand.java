package dev.ares.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.cli.eval.EvalPlot;
import dev.ares.cli.eval.EvalReport;
import dev.ares.cli.eval.Evaluator;
import dev.ares.cli.eval.PolicySampler;
import dev.ares.core.tasks.Modality;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.TaskFamilies;
import dev.ares.core.tasks.TaskFamily;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.engine.PolicyHolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./ares eval} (issue 5 item 6): accuracy and mean response length of a model folder on the built-in
 * curriculum, per family and level, and with {@code --k > 1} per measured pass-rate bucket (aepo-spec.md §5:
 * easy p ≥ 2/3, medium p ≥ 1/3, hard below). Prints a table; {@code --json FILE} also writes the full report with
 * every response (written to a temporary file, then moved into place). The work is done by
 * {@link Evaluator}; this class parses and validates flags.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model folder on the curriculum: accuracy and response length per family, level "
                + "and (with --k > 1) measured pass-rate bucket.")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Hugging Face model folder (Qwen2/2.5/3 with tokenizer.json).")
    Path model;

    @Option(names = "--split", defaultValue = "heldout", description = "heldout or train (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--n", defaultValue = "20", description = "Distinct problems per family and level (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--k", defaultValue = "1", description = "Samples per problem; k > 1 needs --temperature > 0 (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--families", split = ",", description = "Comma-separated families (default: every text family, "
            + "and every image family for a Qwen2.5-VL model; image families are skipped with a note for text-only "
            + "models).")
    List<String> families;

    @Option(names = "--levels", split = ",", description = "Comma-separated levels 1..5 (default: 1,2,3,4,5).")
    List<Integer> levels;

    @Option(names = "--max-new-tokens", defaultValue = "256", description = "Tokens per response (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the problem draw and the sampling (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--prompt", defaultValue = "ares", description = "ares (question + think/boxed instruction) or bare "
            + "(question only, as ./ares curate writes by default) (default ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--json", description = "Write the full report (aggregates and every response) to this file.")
    Path json;

    @Option(names = "--plot", description = "With --k > 1: write a PNG of mean response length against measured pass "
            + "rate, one line per level.")
    Path plot;

    @Override
    public Integer call() throws IOException {
        Split which = parseSplit();
        PromptFormat format = parsePrompt();
        validateNumbers();
        List<Integer> lv = levels == null ? List.of(1, 2, 3, 4, 5) : levels;
        for (int level : lv) {
            if (level < TaskFamily.MIN_LEVEL || level > TaskFamily.MAX_LEVEL) {
                throw new ParameterException(spec.commandLine(), "--levels: " + level + " is not in 1..5");
            }
        }
        if (!Files.isDirectory(model)) {
            throw new ParameterException(spec.commandLine(), "--model " + model + ": no such folder");
        }
        boolean vision = isVisionLanguage(model);
        List<String> requested = new ArrayList<>(families != null ? families
                : TaskFamilies.of(Modality.TEXT).stream().map(TaskFamily::name).toList());
        if (families == null && vision) {
            TaskFamilies.of(Modality.IMAGE).forEach(f -> requested.add(f.name()));
        }
        List<String> text = new ArrayList<>();
        List<String> image = new ArrayList<>();
        for (String f : requested) {
            TaskFamily fam;
            try {
                fam = TaskFamilies.byName(f.strip());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--families: " + e.getMessage());
            }
            (fam.modality() == Modality.IMAGE ? image : text).add(fam.name());
        }
        List<String> notes = new ArrayList<>();
        if (vision) {
            text.addAll(image);
            image.clear();
        }
        if (!image.isEmpty()) {
            notes.add("image families " + image + " skipped: " + imageSkipReason());
        }
        if (text.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--families: no family left to evaluate ("
                    + String.join("; ", notes) + ")");
        }
        List<Problem> problems = Evaluator.draw(text, lv, which, n, seed);
        Map<String, Integer> perGroup = new LinkedHashMap<>();
        problems.forEach(p -> perGroup.merge(p.family() + "/L" + p.level(), 1, Integer::sum));
        perGroup.forEach((g, c) -> {
            if (c < n) {
                notes.add(g + ": only " + c + " distinct " + split + " problems exist (asked for " + n + ")");
            }
        });
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", model.toAbsolutePath().normalize().toString());
        settings.put("split", which.name().toLowerCase(java.util.Locale.ROOT));
        settings.put("n", n);
        settings.put("k", k);
        settings.put("families", text);
        settings.put("levels", lv);
        settings.put("max_new_tokens", maxNewTokens);
        settings.put("temperature", temperature);
        settings.put("seed", seed);
        settings.put("prompt", prompt);
        EvalReport report;
        // the holder owns the loaded model and closes it; its checkpoint root is unused here (no checkpoint events)
        try (PolicyHolder holder = new PolicyHolder(model, DeviceSpec.parse(device), TriggerVocabulary.loadDefault())) {
            holder.loadFolder(model);
            report = holder.withPolicy(policy -> Evaluator.run(problems,
                    new PolicySampler(policy, temperature, maxNewTokens), format, k, seed, settings, notes,
                    this::progress));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.table());
        if (json != null) {
            writeJson(report);
            out.println("report written to " + json);
        }
        if (plot != null) {
            EvalPlot.write(report, plot, 900, 560);
            out.println("chart written to " + plot);
        }
        out.flush();
        return 0;
    }

    /** A progress line on stderr about every tenth of the run (and at the end). */
    private void progress(int done, int total) {
        int step = Math.max(1, total / 10);
        if (done % step == 0 || done == total) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(java.util.Locale.ROOT, "eval: %d/%d problems%n", done, total);
            err.flush();
        }
    }

    private Split parseSplit() {
        return switch (split) {
            case "heldout" -> Split.HELDOUT;
            case "train" -> Split.TRAIN;
            default -> throw new ParameterException(spec.commandLine(), "--split must be heldout or train, got '" + split + "'");
        };
    }

    private PromptFormat parsePrompt() {
        return switch (prompt) {
            case "ares" -> PromptFormat.ARES;
            case "bare" -> PromptFormat.BARE;
            default -> throw new ParameterException(spec.commandLine(), "--prompt must be ares or bare, got '" + prompt + "'");
        };
    }

    private void validateNumbers() {
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), "--n must be >= 1, got " + n);
        }
        if (k < 1) {
            throw new ParameterException(spec.commandLine(), "--k must be >= 1, got " + k);
        }
        if (maxNewTokens < 1) {
            throw new ParameterException(spec.commandLine(), "--max-new-tokens must be >= 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || !Double.isFinite(temperature)) {
            throw new ParameterException(spec.commandLine(), "--temperature must be finite and >= 0, got " + temperature);
        }
        if (plot != null && k < 2) {
            throw new ParameterException(spec.commandLine(), "--plot draws length against the measured pass rate and "
                    + "needs --k > 1 (got " + k + ")");
        }
        if (k > 1 && temperature == 0) {
            throw new ParameterException(spec.commandLine(), "--k " + k + " with --temperature 0 (greedy) would give "
                    + k + " identical samples; set --temperature > 0 to measure a pass rate");
        }
    }

    /** True for a Qwen2.5-VL folder ({@code model_type: qwen2_5_vl}), whose images go through the vision tower. */
    static boolean isVisionLanguage(Path model) throws IOException {
        Path config = model.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return false;
        }
        return "qwen2_5_vl".equals(new ObjectMapper().readTree(config.toFile()).path("model_type").asText(""));
    }

    /** Why image problems cannot be sent to this model. */
    private String imageSkipReason() throws IOException {
        Path config = model.resolve("config.json");
        boolean vl = false;
        if (Files.isRegularFile(config)) {
            JsonNode root = new ObjectMapper().readTree(config.toFile());
            vl = root.has("vision_config");
        }
        return vl ? "the model has a vision_config but is not a qwen2_5_vl model, the only vision-language model "
                + "the runtime runs" : "the model is a text-only model (no vision_config in config.json)";
    }

    private void writeJson(EvalReport report) throws IOException {
        Path target = json.toAbsolutePath();
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        ObjectMapper om = new ObjectMapper();
        om.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), report.toJson(om));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
