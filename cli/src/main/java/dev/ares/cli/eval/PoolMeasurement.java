package dev.ares.cli.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.data.PassRate;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Task;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.engine.PolicyHolder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pass rates of an AdaCS candidate pool measured with a model (aepo-spec.md §9: "pass rate per problem from k samples
 * of the model"), for {@code ./ares curate --measure-with}.
 *
 * <p>In: a model folder, the pool's tasks (repeats of a problem are measured once), the prompt format, k, the sampling
 * temperature and length. Out: problem id → {@link PassRate#sampled}(correct, k), each sample graded by
 * {@code AnswerVerifier} exactly as {@code ./ares eval} grades it ({@link Evaluator#run}); the same numbers are
 * written as JSONL lines {@code {"id", "correct", "samples"}} (the format {@code PassRates.readJsonl} reads, so
 * {@code --pass-rates FILE} can reuse a measurement) through a temporary file and a rename.
 */
public final class PoolMeasurement {
    /** Name of the pass-rate file written into the curate output folder. */
    public static final String FILE = "pass-rates.jsonl";

    private PoolMeasurement() {
    }

    /**
     * Samples and grades every distinct problem of {@code tasks}.
     *
     * @param model        Hugging Face model folder (Qwen2/2.5/3, or Qwen2.5-VL for image problems)
     * @param jsonl        where the measured pass rates are written
     * @param progress     a progress line about every tenth of the pool
     * @return problem id → measured pass rate, in pool order
     */
    public static Map<String, PassRate> measure(Path model, List<Task> tasks, PromptFormat format, int k,
                                                double temperature, int maxNewTokens, long seed, Path jsonl,
                                                PrintWriter progress) throws IOException {
        Map<String, Problem> distinct = new LinkedHashMap<>();
        for (Task t : tasks) {
            distinct.putIfAbsent(t.problem().id(), t.problem());
        }
        List<Problem> problems = new ArrayList<>(distinct.values());
        EvalReport report;
        try (PolicyHolder holder = new PolicyHolder(model, DeviceSpec.parse("cpu"), TriggerVocabulary.loadDefault())) {
            holder.loadFolder(model);
            report = holder.withPolicy(policy -> Evaluator.run(problems, new PolicySampler(policy, temperature,
                    maxNewTokens), format, k, seed, Map.of(), List.of(), (done, total) -> {
                        if (done % Math.max(1, total / 10) == 0 || done == total) {
                            progress.printf(Locale.ROOT, "measuring pass rates: %d/%d problems%n", done, total);
                            progress.flush();
                        }
                    }));
        }
        Map<String, PassRate> out = new LinkedHashMap<>();
        for (ProblemResult r : report.problems()) {
            out.put(r.id(), PassRate.sampled(r.correct(), r.samples().size()));
        }
        write(out, jsonl);
        return out;
    }

    private static void write(Map<String, PassRate> rates, Path jsonl) throws IOException {
        Path target = jsonl.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        ObjectMapper om = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, PassRate> e : rates.entrySet()) {
                w.write(om.writeValueAsString(om.createObjectNode().put("id", e.getKey())
                        .put("correct", e.getValue().correct()).put("samples", e.getValue().samples())));
                w.newLine();
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
