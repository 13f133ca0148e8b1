package dev.ares.core.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes AdaCS selections as a JSONL SFT dataset, one object per line:
 * <pre>
 * {"id", "source", "family", "level",
 *  "problem": user text (EasyR1 layout; image problems start with "&lt;image&gt;"), "answer",
 *  "images": ["images/&lt;id&gt;.png"] (paths relative to the JSONL file; absent for text problems),
 *  "messages": [{"role":"user","content": text or [{"type":"image","image":path},{"type":"text","text":...}]},
 *               {"role":"assistant","content": response}],
 *  "response", "pass_rate", "pass_rate_correct", "pass_rate_samples", "pass_rate_origin",
 *  "target_length", "chosen_length", "verbosity", "selection": "adaptive" | "vanilla"}
 * </pre>
 * Images are written once each into {@code images/} beside the JSONL file. The JSONL file is written to a temporary
 * file and moved into place, so a reader never sees half a dataset.
 */
public final class ColdStartWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ColdStartWriter() {
    }

    /**
     * Writes {@code rows} to {@code jsonl} (and their images next to it).
     *
     * @param rows   the selections
     * @param jsonl  output file; its parent directory is created
     * @param format how the problem becomes the user text
     * @throws IOException on write failure
     */
    public static void write(List<CsSelection> rows, Path jsonl, PromptFormat format) throws IOException {
        Path dir = jsonl.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(jsonl.getFileName() + ".tmp-" + Long.toHexString(System.nanoTime()));
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (CsSelection s : rows) {
                w.write(JSON.writeValueAsString(row(s, dir, format)));
                w.write('\n');
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, jsonl, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The JSON object of one selection; writes its image under {@code dir/images/} when it has one. */
    static ObjectNode row(CsSelection s, Path dir, PromptFormat format) throws IOException {
        Problem p = s.item().problem();
        ObjectNode o = JSON.createObjectNode();
        o.put("id", p.id());
        o.put("source", s.item().source());
        o.put("family", p.family());
        o.put("level", p.level());
        String userText = format.userText(p);
        o.put("problem", userText);
        o.put("answer", p.answer());
        ObjectNode user = JSON.createObjectNode().put("role", "user");
        if (p.hasImage()) {
            String rel = "images/" + p.id() + ".png";
            Path file = dir.resolve(rel);
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.write(file, p.image());
            }
            o.putArray("images").add(rel);
            ArrayNode parts = user.putArray("content");
            parts.addObject().put("type", "image").put("image", rel);
            parts.addObject().put("type", "text").put("text", userText.substring(PromptFormat.IMAGE_PLACEHOLDER.length()));
        } else {
            user.put("content", userText);
        }
        ArrayNode messages = o.putArray("messages");
        messages.add(user);
        messages.addObject().put("role", "assistant").put("content", s.chosen().response());
        o.put("response", s.chosen().response());
        PassRate pr = s.item().passRate();
        o.put("pass_rate", pr.value());
        o.put("pass_rate_correct", pr.correct());
        o.put("pass_rate_samples", pr.samples());
        o.put("pass_rate_origin", pr.origin().name().toLowerCase(java.util.Locale.ROOT));
        o.put("target_length", Math.round(s.targetLength() * 10) / 10.0);
        o.put("chosen_length", s.chosen().length());
        o.put("verbosity", s.chosen().verbosity());
        o.put("selection", s.mode().name().toLowerCase(java.util.Locale.ROOT));
        return o;
    }
}
