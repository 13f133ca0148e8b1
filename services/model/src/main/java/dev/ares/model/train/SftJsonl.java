package dev.ares.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.data.BadRowPolicy;
import dev.ares.core.data.DatasetFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads an SFT dataset in JSONL, one object per line, as {@code ./ares curate} writes it (core
 * {@code ColdStartWriter}) or in the common chat layout:
 * <ul>
 *   <li>{@code messages}: a list of {@code {role, content}} with a {@code user} turn and a following
 *       {@code assistant} turn (the last of each is used); or</li>
 *   <li>{@code problem} (else {@code prompt}) and {@code response} strings.</li>
 * </ul>
 * Optional: {@code id}, {@code source} (else {@code family}, else {@code data_source}), {@code level}.
 * Rows with images ({@code images} non-empty, or image parts in a content list) cannot be fed to a text-only
 * model: they are counted and skipped. Blank lines are ignored.
 */
public final class SftJsonl {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a read produced.
     *
     * @param records     the usable rows in file order
     * @param imageRows   rows skipped because they carry images
     * @param badRows     malformed rows skipped under {@link BadRowPolicy#SKIP}
     */
    public record Result(List<SftRecord> records, int imageRows, int badRows) {
    }

    private SftJsonl() {
    }

    /**
     * Reads {@code file}.
     *
     * @param policy {@link BadRowPolicy#FAIL} throws on the first malformed row; {@link BadRowPolicy#SKIP}
     *               reports it to {@code onBad} and continues
     * @throws DatasetFormatException naming the file, line and field of a malformed row (FAIL), or of the
     *                                whole file when it cannot be read or holds no usable row
     */
    public static Result read(Path file, BadRowPolicy policy, Consumer<DatasetFormatException> onBad) {
        List<SftRecord> out = new ArrayList<>();
        int images = 0;
        int bad = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long row = 0;
            while ((line = r.readLine()) != null) {
                row++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    SftRecord rec = parse(file, row, line);
                    if (rec == null) {
                        images++;
                    } else {
                        out.add(rec);
                    }
                } catch (DatasetFormatException e) {
                    if (policy == BadRowPolicy.FAIL) {
                        throw e;
                    }
                    bad++;
                    onBad.accept(e);
                }
            }
        } catch (IOException e) {
            throw new DatasetFormatException(file, 0, null, "cannot read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new DatasetFormatException(file, 0, null, "no usable text row (" + images + " image rows, "
                    + bad + " malformed rows)", null);
        }
        return new Result(out, images, bad);
    }

    /** One row; null for an image row. */
    static SftRecord parse(Path file, long row, String line) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DatasetFormatException(file, row, null, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new DatasetFormatException(file, row, null, "not a JSON object", null);
        }
        JsonNode imgs = o.get("images");
        if (imgs != null && imgs.isArray() && !imgs.isEmpty()) {
            return null;
        }
        String user;
        String response;
        JsonNode messages = o.get("messages");
        if (messages != null && !messages.isNull()) {
            if (!messages.isArray()) {
                throw new DatasetFormatException(file, row, "messages", "not a list", null);
            }
            int lastUser = -1;
            int lastAssistant = -1;
            for (int i = 0; i < messages.size(); i++) {
                JsonNode m = messages.get(i);
                String role = m.path("role").asText("");
                if (role.equals("user")) {
                    lastUser = i;
                } else if (role.equals("assistant")) {
                    lastAssistant = i;
                }
            }
            if (lastUser < 0) {
                throw new DatasetFormatException(file, row, "messages", "no user turn", null);
            }
            if (lastAssistant < lastUser) {
                throw new DatasetFormatException(file, row, "messages", "no assistant turn after the last user turn",
                        null);
            }
            JsonNode uc = messages.get(lastUser).get("content");
            if (uc != null && uc.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : uc) {
                    String type = part.path("type").asText("");
                    if (type.equals("image") || type.equals("image_url")) {
                        return null;
                    }
                    if (!type.equals("text")) {
                        throw new DatasetFormatException(file, row, "messages[" + lastUser + "].content",
                                "unknown part type '" + type + "'", null);
                    }
                    sb.append(part.path("text").asText(""));
                }
                user = sb.toString();
            } else {
                user = text(file, row, messages.get(lastUser), "content", "messages[" + lastUser + "].content");
            }
            response = text(file, row, messages.get(lastAssistant), "content", "messages[" + lastAssistant + "].content");
        } else {
            user = o.has("problem") ? text(file, row, o, "problem", "problem") : text(file, row, o, "prompt", "prompt");
            response = text(file, row, o, "response", "response");
        }
        if (user.contains("<image>")) {
            return null;
        }
        String id = o.path("id").asText("row-" + row);
        String source = o.hasNonNull("source") ? o.get("source").asText()
                : o.hasNonNull("family") ? o.get("family").asText() : o.path("data_source").asText("unknown");
        int level = 0;
        JsonNode lv = o.get("level");
        if (lv != null && !lv.isNull()) {
            if (!lv.canConvertToInt() || lv.asInt() < 0) {
                throw new DatasetFormatException(file, row, "level", "not a non-negative integer: " + lv, null);
            }
            level = lv.asInt();
        }
        return new SftRecord(id, source, level, user, response);
    }

    private static String text(Path file, long row, JsonNode o, String key, String field) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            throw new DatasetFormatException(file, row, field, "missing", null);
        }
        if (!v.isTextual()) {
            throw new DatasetFormatException(file, row, field, "not a string", null);
        }
        if (v.asText().isBlank()) {
            throw new DatasetFormatException(file, row, field, "blank", null);
        }
        return v.asText();
    }
}
