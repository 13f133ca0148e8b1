package dev.ares.cli;

import dev.ares.cli.data.AdaCsPlot;
import dev.ares.cli.data.DemoTokenizer;
import dev.ares.cli.eval.PoolMeasurement;
import dev.ares.core.data.AdaCs;
import dev.ares.core.data.AdaCsReport;
import dev.ares.core.data.ColdStartWriter;
import dev.ares.core.data.CsItem;
import dev.ares.core.data.CsSelection;
import dev.ares.core.data.PassRate;
import dev.ares.core.data.PassRates;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Modality;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Task;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ares curate}: the AdaCS cold-start dataset (aepo-spec.md §9) from the built-in curriculum. Writes
 * {@code adacs.jsonl} (length-matched traces), {@code cs-vanilla.jsonl} (the ablation: random trace length),
 * {@code adacs-report.md} (anchors and per-bracket lengths) and {@code adacs-length.png} (length against pass rate).
 */
@Command(name = "curate", mixinStandardHelpOptions = true,
        description = "Build the AdaCS cold-start SFT dataset (and the CS-Vanilla ablation) from the synthetic curriculum.")
public final class CurateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--n", defaultValue = "2000", description = "Rows per dataset (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--pool", defaultValue = "6000", description = "Training-split problems drawn as the candidate pool (default ${DEFAULT-VALUE}).")
    int pool;

    @Option(names = "--modality", defaultValue = "all", description = "text, image or all (default ${DEFAULT-VALUE}).")
    String modality;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the pool and the sampling (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--k", defaultValue = "8", description = "Samples per problem behind a pass rate (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--pass-rates", description = "JSONL of measured pass rates {id, correct, samples} from a model; "
            + "without it the difficulty prior stands in.")
    Path passRates;

    @Option(names = "--measure-with", description = "Model folder: measure each pool problem's pass rate from --k "
            + "samples of this model (aepo-spec.md §9) instead of the prior, and write them to <out>/pass-rates.jsonl "
            + "(reusable with --pass-rates).")
    Path measureWith;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature of --measure-with "
            + "(default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--max-new-tokens", defaultValue = "256", description = "Tokens per sampled response of "
            + "--measure-with (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--anchors", defaultValue = "extremes", description = "extremes (median of the longest trace of "
            + "p=0 problems and of the shortest of p=1 problems; suits graded verbosity variants) or spec (median of all "
            + "responses, aepo-spec.md §9) (default ${DEFAULT-VALUE}; docs/curriculum.md explains).")
    String anchors;

    @Option(names = "--prompt", defaultValue = "bare", description = "bare (question only) or ares (with the think/boxed instruction) (default ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--length", defaultValue = "tokens", description = "tokens (demo tokenizer) or chars (default ${DEFAULT-VALUE}).")
    String length;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Curriculum curriculum = switch (modality.toLowerCase(Locale.ROOT)) {
            case "text" -> Curriculum.uniform(Modality.TEXT);
            case "image" -> Curriculum.uniform(Modality.IMAGE);
            case "all" -> Curriculum.all();
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--modality must be text, image or all: " + modality);
        };
        AdaCs.AnchorMode anchorMode = switch (anchors.toLowerCase(Locale.ROOT)) {
            case "spec" -> AdaCs.AnchorMode.MEDIAN_OF_RESPONSES;
            case "extremes" -> AdaCs.AnchorMode.EXTREMES;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--anchors must be spec or extremes: " + anchors);
        };
        PromptFormat format = switch (prompt.toLowerCase(Locale.ROOT)) {
            case "bare" -> PromptFormat.BARE;
            case "ares" -> PromptFormat.ARES;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--prompt must be bare or ares: " + prompt);
        };
        if (rows < 1 || pool < 1 || k < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--n, --pool and --k must be positive");
        }
        checkMeasureOptions();
        List<Task> tasks = curriculum.take(Split.TRAIN, seed, pool);
        Function<Problem, PassRate> rates = measureWith != null
                ? PassRates.measured(PoolMeasurement.measure(measureWith, tasks, format, k, temperature, maxNewTokens,
                        seed, out.resolve(PoolMeasurement.FILE), spec.commandLine().getErr()), 0)
                : passRates == null ? PassRates.fromPriors(k) : PassRates.measured(PassRates.readJsonl(passRates), 0);
        DemoTokenizer tokenizer = null;
        try {
            ToIntFunction<String> len;
            String unit;
            if (length.equalsIgnoreCase("tokens")) {
                tokenizer = DemoTokenizer.load();
                len = tokenizer;
                unit = "demo-tokenizer tokens";
            } else if (length.equalsIgnoreCase("chars")) {
                len = String::length;
                unit = "characters";
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "--length must be tokens or chars: " + length);
            }
            List<CsItem> items = AdaCs.poolFromTasks(tasks, rates, len);
            Map<String, AdaCs.Anchors> anchorsBySource = AdaCs.anchors(items, anchorMode);
            List<CsSelection> ada = AdaCs.select(items, rows, AdaCs.Mode.ADAPTIVE, anchorMode, seed);
            List<CsSelection> van = AdaCs.select(items, rows, AdaCs.Mode.VANILLA, anchorMode, seed);
            Files.createDirectories(out);
            ColdStartWriter.write(ada, out.resolve("adacs.jsonl"), format);
            ColdStartWriter.write(van, out.resolve("cs-vanilla.jsonl"), format);
            String report = "# AdaCS curation\n\nPool: " + items.size() + " distinct training problems (" + modality
                    + "), pass rates from " + (measureWith != null ? k + " samples per problem of " + measureWith
                            + " (" + out.resolve(PoolMeasurement.FILE) + ")"
                            : passRates == null ? "difficulty priors over k = " + k : passRates)
                    + ", anchors " + anchors + ", lengths in " + unit + ".\n\n"
                    + AdaCsReport.markdown(ada, van, anchorsBySource, unit);
            Files.writeString(out.resolve("adacs-report.md"), report);
            AdaCsPlot.write(ada, van, unit, out.resolve("adacs-length.png"), 900, 560);
            o.println(report);
            o.printf(Locale.ROOT, "wrote %d AdaCS rows and %d CS-Vanilla rows to %s%n", ada.size(), van.size(), out);
            o.flush();
            return 0;
        } finally {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }

    private void checkMeasureOptions() throws java.io.IOException {
        if (measureWith == null) {
            return;
        }
        if (passRates != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--measure-with and --pass-rates both give "
                    + "pass rates; use one");
        }
        if (!Files.isRegularFile(measureWith.resolve("config.json"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--measure-with " + measureWith
                    + ": no config.json (a Hugging Face model folder is expected)");
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--temperature must be finite and > 0 to "
                    + "measure a pass rate from samples, got " + temperature);
        }
        if (maxNewTokens < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-new-tokens must be >= 1, got "
                    + maxNewTokens);
        }
        if (!"text".equalsIgnoreCase(modality) && !EvalCommand.isVisionLanguage(measureWith)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--measure-with " + measureWith
                    + " is a text-only model and the pool of --modality " + modality + " holds image problems; use "
                    + "--modality text or a Qwen2.5-VL model");
        }
    }
}
