package dev.ares.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.aepo.AepoInputException;
import dev.ares.core.aepo.GroupInput;
import dev.ares.core.aepo.TrajectoryInput;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSONL input of {@code ./ares score}: one group per line,
 * {@code {"groupId": "...", "trajectories": [{"correct": bool, "entropies": [..], "triggers": [bool..]}]}}, with
 * optional {@code formatOk} (default true) per trajectory. Every malformed line is reported as
 * {@code FILE:LINE: problem}; reading continues so all problems are listed at once.
 */
final class ScoreInputReader {
    /** Parsed groups and the problems found, in line order. */
    record Result(List<GroupInput> groups, List<String> problems) {
    }

    private final ObjectMapper mapper = new ObjectMapper();

    Result read(Path file, Integer groupSize) throws IOException {
        List<GroupInput> groups = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    GroupInput g = parse(line, groupSize);
                    Integer first = seen.putIfAbsent(g.groupId(), no);
                    if (first != null) {
                        throw new AepoInputException("duplicate groupId '" + g.groupId() + "' (first on line " + first
                                + ")");
                    }
                    groups.add(g);
                } catch (JsonProcessingException e) {
                    problems.add(file + ":" + no + ": invalid JSON: " + e.getOriginalMessage());
                } catch (AepoInputException e) {
                    problems.add(file + ":" + no + ": " + e.getMessage());
                }
            }
        }
        return new Result(groups, problems);
    }

    private GroupInput parse(String line, Integer groupSize) throws JsonProcessingException {
        JsonNode root = mapper.readTree(line);
        if (root == null || !root.isObject()) {
            throw new AepoInputException("expected a JSON object per line");
        }
        JsonNode id = root.get("groupId");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new AepoInputException("field groupId: a non-blank string is required");
        }
        JsonNode trajs = root.get("trajectories");
        if (trajs == null || !trajs.isArray() || trajs.isEmpty()) {
            throw new AepoInputException("field trajectories: a non-empty array is required");
        }
        if (groupSize != null && trajs.size() != groupSize) {
            throw new AepoInputException("group " + id.asText() + " has " + trajs.size() + " trajectories, --group-size"
                    + " is " + groupSize);
        }
        List<TrajectoryInput> out = new ArrayList<>(trajs.size());
        for (int k = 0; k < trajs.size(); k++) {
            out.add(trajectory(trajs.get(k), "trajectories[" + k + "]"));
        }
        return new GroupInput(id.asText(), out);
    }

    private static TrajectoryInput trajectory(JsonNode t, String where) {
        if (!t.isObject()) {
            throw new AepoInputException(where + ": an object is required");
        }
        JsonNode correct = t.get("correct");
        if (correct == null || !correct.isBoolean()) {
            throw new AepoInputException(where + ".correct: a boolean is required");
        }
        JsonNode fmt = t.get("formatOk");
        if (fmt != null && !fmt.isBoolean()) {
            throw new AepoInputException(where + ".formatOk: a boolean is expected");
        }
        JsonNode ent = t.get("entropies");
        if (ent == null || !ent.isArray()) {
            throw new AepoInputException(where + ".entropies: an array of numbers is required");
        }
        JsonNode trig = t.get("triggers");
        if (trig == null || !trig.isArray()) {
            throw new AepoInputException(where + ".triggers: an array of booleans is required");
        }
        if (trig.size() != ent.size()) {
            throw new AepoInputException(where + ": triggers has " + trig.size() + " entries, entropies " + ent.size());
        }
        float[] h = new float[ent.size()];
        boolean[] g = new boolean[ent.size()];
        for (int i = 0; i < h.length; i++) {
            JsonNode x = ent.get(i);
            if (!x.isNumber() || !Double.isFinite(x.asDouble()) || x.asDouble() < 0) {
                throw new AepoInputException(where + ".entropies[" + i + "]: a finite number >= 0 is required, got "
                        + x);
            }
            h[i] = (float) x.asDouble();
            JsonNode b = trig.get(i);
            if (!b.isBoolean()) {
                throw new AepoInputException(where + ".triggers[" + i + "]: a boolean is required, got " + b);
            }
            g[i] = b.asBoolean();
        }
        return TrajectoryInput.of(correct.asBoolean(), fmt == null || fmt.asBoolean(), h, g);
    }
}
