package dev.ares.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer state stored in every SFT checkpoint as {@code trainer-state.json}: the step reached, the data
 * position (examples consumed from the stream of {@link SftDataset#at}), what the run must match to be resumed
 * (training settings, base folder, data fingerprint), and the per-step history that the loss curve is drawn from.
 *
 * @param step         optimiser steps completed
 * @param examplesSeen data position: examples consumed ({@code step * batch})
 * @param training     {@link SftSettings#trainingFields()}, values as strings
 * @param base         absolute path of the base model folder
 * @param data         {@link SftDataset#fingerprint()}
 * @param history      one entry per completed step, in order
 */
public record SftState(int step, long examplesSeen, Map<String, String> training, String base, String data,
                       List<SftTrainer.StepStats> history) {
    /** File name inside a checkpoint. */
    public static final String FILE = "trainer-state.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Training fields of {@code s} as strings (doubles in Java's shortest round-trip form, so equal iff equal). */
    public static Map<String, String> fields(SftSettings s) {
        Map<String, String> m = new LinkedHashMap<>();
        s.trainingFields().forEach((k, v) -> m.put(k, String.valueOf(v)));
        return m;
    }

    /** The JSON bytes. */
    public byte[] toJson() throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", step);
        o.put("examples_seen", examplesSeen);
        ObjectNode t = o.putObject("training");
        training.forEach(t::put);
        o.put("base", base);
        o.put("data", data);
        ArrayNode h = o.putArray("history");
        for (SftTrainer.StepStats s : history) {
            h.addObject().put("step", s.step()).put("loss", s.loss()).put("lr", s.lr()).put("grad_norm", s.gradNorm())
                    .put("tokens", s.tokens()).put("target_tokens", s.targetTokens()).put("seconds", s.seconds());
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
    }

    /**
     * Reads a state file.
     *
     * @throws ModelFormatException naming the file and field when it is malformed
     */
    public static SftState read(Path file) {
        JsonNode o;
        try {
            o = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "cannot parse: " + e.getMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new ModelFormatException(file, null, "not a JSON object");
        }
        Map<String, String> training = new LinkedHashMap<>();
        JsonNode t = require(file, o, "training");
        t.fields().forEachRemaining(e -> training.put(e.getKey(), e.getValue().asText()));
        List<SftTrainer.StepStats> history = new ArrayList<>();
        for (JsonNode h : require(file, o, "history")) {
            history.add(new SftTrainer.StepStats(h.path("step").asInt(), h.path("loss").asDouble(),
                    h.path("lr").asDouble(), h.path("grad_norm").asDouble(), h.path("tokens").asLong(),
                    h.path("target_tokens").asLong(), h.path("seconds").asDouble()));
        }
        return new SftState(require(file, o, "step").asInt(), require(file, o, "examples_seen").asLong(), training,
                require(file, o, "base").asText(), require(file, o, "data").asText(), history);
    }

    private static JsonNode require(Path file, JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new ModelFormatException(file, field, "missing");
        }
        return v;
    }
}
