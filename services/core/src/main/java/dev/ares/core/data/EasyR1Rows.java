package dev.ares.core.data;

import dev.ares.core.io.ConfinedPath;
import dev.ares.core.io.PathRefusedException;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Maps one row, as a JSON tree, of the EasyR1/ARES dataset layout to a {@link DatasetExample}. Shared by the JSONL
 * reader and the Parquet reader (which turns each record into the same tree, binary columns as binary nodes).
 *
 * <p>Fields: {@code problem} or {@code prompt} (string, or a list of {@code {role, content}} messages whose last user
 * turn is used, image parts becoming {@code <image>}); {@code answer} (string or number); {@code images} (optional list
 * whose items are a path string, a {@code data:} URL, or an object {@code {"bytes": base64 string or binary,
 * "path": string}} as Hugging Face datasets store images); optional {@code id}, {@code source}/{@code data_source}.
 * Relative paths resolve against the dataset file's folder. When the prompt has {@code <image>} placeholders their
 * number must equal the number of images.
 */
public final class EasyR1Rows {

    /** The EasyR1 image placeholder. */
    public static final String IMAGE_PLACEHOLDER = "<image>";

    private EasyR1Rows() {
    }

    /**
     * Converts a row.
     *
     * @param node    the row
     * @param file    the dataset file (for messages and relative paths)
     * @param row     1-based row number
     * @return the example
     * @throws DatasetFormatException naming file, row and field when the row is malformed
     */
    public static DatasetExample toExample(JsonNode node, Path file, long row) {
        if (node == null || !node.isObject()) {
            throw new DatasetFormatException(file, row, null, "row is not an object", null);
        }
        String prompt = prompt(node, file, row);
        String answer = answer(node, file, row);
        List<DatasetImage> images = images(node.get("images"), file, row);
        int placeholders = count(prompt, IMAGE_PLACEHOLDER);
        if (placeholders > 0 && placeholders != images.size()) {
            throw new DatasetFormatException(file, row, "images", "prompt has " + placeholders + " " + IMAGE_PLACEHOLDER
                    + " placeholders but the row has " + images.size() + " images", null);
        }
        JsonNode id = node.get("id");
        String idText = id != null && (id.isTextual() || id.isIntegralNumber()) ? id.asText() : file.getFileName() + ":" + row;
        JsonNode src = node.hasNonNull("source") ? node.get("source") : node.get("data_source");
        return new DatasetExample(file, row, idText, prompt, answer, images, src != null && src.isTextual() ? src.asText() : null);
    }

    private static String prompt(JsonNode node, Path file, long row) {
        String field = node.hasNonNull("problem") ? "problem" : "prompt";
        JsonNode p = node.get(field);
        if (p == null || p.isNull()) {
            throw new DatasetFormatException(file, row, "problem", "missing: neither 'problem' nor 'prompt' is set", null);
        }
        if (p.isTextual()) {
            if (p.asText().isBlank()) {
                throw new DatasetFormatException(file, row, field, "blank", null);
            }
            return p.asText();
        }
        if (p.isArray()) {
            for (int i = p.size() - 1; i >= 0; i--) {
                JsonNode m = p.get(i);
                if (m.isObject() && "user".equals(m.path("role").asText())) {
                    return messageText(m.get("content"), file, row, field + "[" + i + "].content");
                }
            }
            throw new DatasetFormatException(file, row, field, "message list has no user turn", null);
        }
        throw new DatasetFormatException(file, row, field, "expected a string or a list of messages, got " + p.getNodeType(), null);
    }

    private static String messageText(JsonNode content, Path file, long row, String field) {
        if (content != null && content.isTextual()) {
            return content.asText();
        }
        if (content != null && content.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode part : content) {
                String type = part.path("type").asText();
                if (type.equals("text")) {
                    b.append(part.path("text").asText());
                } else if (type.equals("image") || type.equals("image_url")) {
                    b.append(IMAGE_PLACEHOLDER);
                } else {
                    throw new DatasetFormatException(file, row, field, "unknown content part type '" + type + "'", null);
                }
            }
            return b.toString();
        }
        throw new DatasetFormatException(file, row, field, "expected text or a list of content parts", null);
    }

    private static String answer(JsonNode node, Path file, long row) {
        JsonNode a = node.get("answer");
        if (a == null || a.isNull()) {
            throw new DatasetFormatException(file, row, "answer", "missing", null);
        }
        if (!a.isTextual() && !a.isNumber()) {
            throw new DatasetFormatException(file, row, "answer", "expected a string or number, got " + a.getNodeType(), null);
        }
        if (a.asText().isBlank()) {
            throw new DatasetFormatException(file, row, "answer", "blank", null);
        }
        return a.asText();
    }

    /**
     * The images of a row's {@code images} field (the layouts of the class comment), loaded and type-checked; also
     * used by the SFT reader for rows that carry a response instead of an answer.
     *
     * @param images the field's value, or null
     * @return the images in order (empty when the field is absent or null)
     * @throws DatasetFormatException naming {@code images[i]} (or {@code .bytes}) for a bad item, a path outside the
     *                                dataset's folder, a missing file or bytes that are no supported image
     */
    public static List<DatasetImage> images(JsonNode images, Path file, long row) {
        List<DatasetImage> out = new ArrayList<>();
        if (images == null || images.isNull()) {
            return out;
        }
        if (!images.isArray()) {
            throw new DatasetFormatException(file, row, "images", "expected a list, got " + images.getNodeType(), null);
        }
        for (int i = 0; i < images.size(); i++) {
            String field = "images[" + i + "]";
            JsonNode item = images.get(i);
            byte[] bytes = null;
            String path = null;
            try {
                if (item.isTextual() && item.asText().startsWith("data:")) {
                    String url = item.asText();
                    int comma = url.indexOf(',');
                    if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
                        throw new DatasetFormatException(file, row, field, "data URL is not base64", null);
                    }
                    bytes = Base64.getDecoder().decode(url.substring(comma + 1));
                } else if (item.isTextual()) {
                    path = item.asText();
                } else if (item.isObject()) {
                    JsonNode b = item.get("bytes");
                    if (b != null && b.isBinary()) {
                        bytes = b.binaryValue();
                    } else if (b != null && b.isTextual()) {
                        bytes = Base64.getDecoder().decode(b.asText());
                    } else if (b != null && !b.isNull()) {
                        throw new DatasetFormatException(file, row, field + ".bytes", "expected base64 text or binary", null);
                    }
                    JsonNode p = item.get("path");
                    path = p != null && p.isTextual() ? p.asText() : null;
                    if (bytes == null && path == null) {
                        throw new DatasetFormatException(file, row, field, "neither bytes nor path is set", null);
                    }
                } else {
                    throw new DatasetFormatException(file, row, field, "expected a path, data URL or {bytes, path} object", null);
                }
                if (bytes == null) {
                    // Confined to the dataset file's directory: '..' and absolute paths are refused.
                    Path resolved = ConfinedPath.relative(file.toAbsolutePath().getParent(), path, field);
                    if (!Files.isRegularFile(resolved)) {
                        throw new DatasetFormatException(file, row, field, "image file not found: " + resolved, null);
                    }
                    bytes = Files.readAllBytes(resolved);
                    path = resolved.toString();
                }
            } catch (PathRefusedException e) {
                throw new DatasetFormatException(file, row, field, e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new DatasetFormatException(file, row, field, "bad base64: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new DatasetFormatException(file, row, field, "cannot read image: " + e, e);
            }
            String mime = DatasetImage.sniffMime(bytes);
            if (mime == null) {
                throw new DatasetFormatException(file, row, field, "not a PNG, JPEG, GIF, WebP or BMP image ("
                        + bytes.length + " bytes)", null);
            }
            out.add(new DatasetImage(bytes, mime, path));
        }
        return out;
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            n++;
        }
        return n;
    }
}
