package dev.ares.cli.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.core.aepo.Bucket;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of an evaluation run (issue 5 item 6): every problem with its graded responses, and accuracy and
 * mean response length per (family, level), per family, overall and, when k > 1, per pass-rate bucket of
 * aepo-spec.md §5. Aggregates are recomputed from {@link #problems()} on demand, so they always add up.
 *
 * @param settings free-form run settings (model, split, k, temperature, seed, max_new_tokens), written to JSON as is
 * @param k        samples per problem
 * @param notes    remarks for the reader, e.g. families skipped because the model has no image input
 * @param problems evaluated problems in evaluation order
 */
public record EvalReport(Map<String, Object> settings, int k, List<String> notes, List<ProblemResult> problems) {

    public EvalReport {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        notes = List.copyOf(notes);
        problems = List.copyOf(problems);
    }

    /** Aggregates keyed by {@code family/L<level>}, in first-seen order. */
    public Map<String, Aggregate> byFamilyLevel() {
        Map<String, List<ProblemResult>> groups = new LinkedHashMap<>();
        for (ProblemResult p : problems) {
            groups.computeIfAbsent(p.family() + "/L" + p.level(), x -> new ArrayList<>()).add(p);
        }
        return aggregate(groups);
    }

    /** Aggregates keyed by family, in first-seen order. */
    public Map<String, Aggregate> byFamily() {
        Map<String, List<ProblemResult>> groups = new LinkedHashMap<>();
        for (ProblemResult p : problems) {
            groups.computeIfAbsent(p.family(), x -> new ArrayList<>()).add(p);
        }
        return aggregate(groups);
    }

    /** Aggregates by measured pass-rate bucket (all three buckets present, possibly empty). */
    public Map<Bucket, Aggregate> byBucket() {
        Map<Bucket, List<ProblemResult>> groups = new EnumMap<>(Bucket.class);
        for (Bucket b : Bucket.values()) {
            groups.put(b, new ArrayList<>());
        }
        for (ProblemResult p : problems) {
            groups.get(p.bucket()).add(p);
        }
        Map<Bucket, Aggregate> out = new EnumMap<>(Bucket.class);
        groups.forEach((b, list) -> out.put(b, Aggregate.of(list)));
        return out;
    }

    /** The whole run. */
    public Aggregate overall() {
        return Aggregate.of(problems);
    }

    private static Map<String, Aggregate> aggregate(Map<String, List<ProblemResult>> groups) {
        Map<String, Aggregate> out = new LinkedHashMap<>();
        groups.forEach((key, list) -> out.put(key, Aggregate.of(list)));
        return out;
    }

    /**
     * The report as JSON: {@code settings, k, notes, overall, by_family_level[], by_family[], by_bucket[]} (buckets
     * only when k > 1) and {@code problems[]} with {@code id, family, level, answer, prompt, correct, pass_rate,
     * bucket, samples[{text, tokens, correct, method}]}; with k &gt; 1 also {@code within_level} ({@link WithinLevel}:
     * {@code cells[{cell, easy, medium, hard, gap_tokens}], cells_hard_longer, mean_gap_tokens}). Accuracy is correct / samples; lengths are in tokens.
     */
    public ObjectNode toJson(ObjectMapper om) {
        ObjectNode root = om.createObjectNode();
        root.set("settings", om.valueToTree(settings));
        root.put("k", k);
        ArrayNode n = root.putArray("notes");
        notes.forEach(n::add);
        root.set("overall", aggregateJson(om.createObjectNode(), overall()));
        ArrayNode fl = root.putArray("by_family_level");
        byFamilyLevel().forEach((key, a) -> {
            String[] parts = key.split("/L");
            ObjectNode o = fl.addObject();
            o.put("family", parts[0]);
            o.put("level", Integer.parseInt(parts[1]));
            aggregateJson(o, a);
        });
        ArrayNode fam = root.putArray("by_family");
        byFamily().forEach((key, a) -> aggregateJson(fam.addObject().put("family", key), a));
        if (k > 1) {
            ArrayNode bk = root.putArray("by_bucket");
            byBucket().forEach((b, a) -> aggregateJson(bk.addObject().put("bucket", b.label()), a));
            WithinLevel w = WithinLevel.of(this);
            ObjectNode wl = root.putObject("within_level");
            ArrayNode gaps = wl.putArray("cells");
            for (WithinLevel.Gap g : w.gaps()) {
                ObjectNode o = gaps.addObject().put("cell", g.cell());
                w.cells().get(g.cell()).forEach((b, a) -> aggregateJson(o.putObject(b.label()), a));
                o.put("gap_tokens", g.tokens());
            }
            wl.put("cells_hard_longer", w.cellsHardLonger());
            if (!w.gaps().isEmpty()) {
                wl.put("mean_gap_tokens", w.meanGap());
            } else {
                wl.putNull("mean_gap_tokens");
            }
        }
        ArrayNode ps = root.putArray("problems");
        for (ProblemResult p : problems) {
            ObjectNode o = ps.addObject();
            o.put("id", p.id()).put("family", p.family()).put("level", p.level()).put("answer", p.answer())
                    .put("prompt", p.userText()).put("correct", p.correct()).put("pass_rate", p.passRate())
                    .put("bucket", p.bucket().label());
            ArrayNode ss = o.putArray("samples");
            for (ProblemResult.GradedResponse g : p.samples()) {
                ss.addObject().put("text", g.text()).put("tokens", g.tokens()).put("correct", g.correct())
                        .put("method", g.method());
            }
        }
        return root;
    }

    private static ObjectNode aggregateJson(ObjectNode o, Aggregate a) {
        o.put("problems", a.problems()).put("samples", a.samples()).put("correct", a.correct());
        if (a.samples() > 0) {
            o.put("accuracy", a.accuracy()).put("mean_tokens", a.meanTokens());
        } else {
            o.putNull("accuracy").putNull("mean_tokens");
        }
        return o;
    }

    /**
     * A plain-text table: one row per (family, level), then per family, overall and (k > 1) per bucket followed by
     * the {@link WithinLevel} table.
     */
    public String table() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-22s %8s %8s %8s %9s %11s%n";
        sb.append(String.format(Locale.ROOT, fmt, "group", "problems", "samples", "correct", "accuracy", "mean_tokens"));
        byFamilyLevel().forEach((key, a) -> row(sb, fmt, key, a));
        byFamily().forEach((key, a) -> row(sb, fmt, key + " (all)", a));
        row(sb, fmt, "overall", overall());
        if (k > 1) {
            byBucket().forEach((b, a) -> row(sb, fmt, "bucket " + b.label(), a));
            sb.append(WithinLevel.of(this).table());
        }
        for (String note : notes) {
            sb.append("note: ").append(note).append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String fmt, String label, Aggregate a) {
        sb.append(String.format(Locale.ROOT, fmt, label, a.problems(), a.samples(), a.correct(),
                a.samples() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", a.accuracy()),
                a.samples() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", a.meanTokens())));
    }
}
