package dev.ares.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.data.BadRowPolicy;
import dev.ares.core.data.DatasetFormatException;
import dev.ares.core.data.DatasetImage;
import dev.ares.core.data.EasyR1Rows;
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
 * Rows with images ({@code images} non-empty, image parts in the user turn's content list, or EasyR1
 * {@code <image>} placeholders in its text) are image rows. Read for a text-only model they are counted, their line
 * numbers kept, and skipped without touching their images; read with images ({@link #read(Path, BadRowPolicy,
 * Consumer, boolean)}) they become {@link ImageSftData.ImageRecord}s: the {@code images} list in the EasyR1/ARES
 * layouts of core {@link EasyR1Rows#images} (paths relative to the file's folder, {@code data:} URLs,
 * {@code {bytes, path}} objects), one image per placeholder or image part (the user text then holds one
 * {@code <image>} per image; a row without placeholders gets its images in front, as the chat template writes
 * image parts before the text). Blank lines are ignored.
 */
public final class SftJsonl {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a read produced.
     *
     * @param records         the usable text rows in file order
     * @param imageRecords    the image rows in file order when read with images, else empty
     * @param imageRowNumbers 1-based line numbers of the image rows (read with images or skipped)
     * @param badRows         malformed rows skipped under {@link BadRowPolicy#SKIP}
     */
    public record Result(List<SftRecord> records, List<ImageSftData.ImageRecord> imageRecords,
                         List<Long> imageRowNumbers, int badRows) {
        public Result {
            records = List.copyOf(records);
            imageRecords = List.copyOf(imageRecords);
            imageRowNumbers = List.copyOf(imageRowNumbers);
        }

        /** Rows that carry images. */
        public int imageRows() {
            return imageRowNumbers.size();
        }
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
        return read(file, policy, onBad, false);
    }

    /**
     * Reads {@code file}, with its image rows when {@code withImages} (for a Qwen2.5-VL model).
     *
     * @param withImages true: image rows are parsed and their images loaded (a bad image is a malformed row naming
     *                   {@code images[i]}); false: they are counted and skipped
     * @throws DatasetFormatException as {@link #read(Path, BadRowPolicy, Consumer)}; the file is an error when it
     *                                holds no usable row (text rows, and image rows when {@code withImages})
     */
    public static Result read(Path file, BadRowPolicy policy, Consumer<DatasetFormatException> onBad,
                              boolean withImages) {
        List<SftRecord> out = new ArrayList<>();
        List<ImageSftData.ImageRecord> imageRecords = new ArrayList<>();
        List<Long> imageLines = new ArrayList<>();
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
                    Object rec = parse(file, row, line, withImages);
                    if (rec instanceof SftRecord text) {
                        out.add(text);
                    } else {
                        imageLines.add(row);
                        if (rec instanceof ImageSftData.ImageRecord image) {
                            imageRecords.add(image);
                        }
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
        if (out.isEmpty() && imageRecords.isEmpty()) {
            throw new DatasetFormatException(file, 0, null, "no usable " + (withImages ? "" : "text ") + "row ("
                    + imageLines.size() + " image rows, " + bad + " malformed rows)", null);
        }
        return new Result(out, imageRecords, imageLines, bad);
    }

    /** One row: an {@link SftRecord}, an {@link ImageSftData.ImageRecord} ({@code withImages}), or null (image row). */
    static Object parse(Path file, long row, String line, boolean withImages) {
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
        boolean listed = imgs != null && imgs.isArray() && !imgs.isEmpty();
        if (listed && !withImages) {
            return null;
        }
        int parts = 0;
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
                        if (!withImages) {
                            return null;
                        }
                        parts++;
                        sb.append(EasyR1Rows.IMAGE_PLACEHOLDER);
                        continue;
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
        boolean placeholders = user.contains(EasyR1Rows.IMAGE_PLACEHOLDER);
        if (placeholders && !withImages) {
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
        if (!listed && !placeholders) {
            return new SftRecord(id, source, level, user, response);
        }
        List<DatasetImage> images = EasyR1Rows.images(imgs, file, row);
        int wanted = ImageSftData.userParts(user).images();
        if (images.isEmpty()) {
            throw new DatasetFormatException(file, row, "images", "the user turn has " + wanted + " "
                    + EasyR1Rows.IMAGE_PLACEHOLDER + " placeholders" + (parts > 0 ? " (image parts)" : "")
                    + " but the row lists no images", null);
        }
        if (wanted == 0) {
            user = EasyR1Rows.IMAGE_PLACEHOLDER.repeat(images.size()) + user;
        } else if (wanted != images.size()) {
            throw new DatasetFormatException(file, row, "images", "the user turn has " + wanted + " "
                    + EasyR1Rows.IMAGE_PLACEHOLDER + " placeholders" + (parts > 0 ? " (image parts)" : "")
                    + " but the row lists " + images.size() + " images", null);
        }
        List<byte[]> bytes = new ArrayList<>(images.size());
        for (DatasetImage d : images) {
            bytes.add(d.bytes());
        }
        return new ImageSftData.ImageRecord(new SftRecord(id, source, level, user, response), bytes);
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
