package dev.ares.model.qwen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.model.ModelFormatException;
import dev.ares.model.vision.Qwen25VisionConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Qwen2.5-VL {@code config.json} ({@code model_type: qwen2_5_vl}) in either layout: the text decoder
 * ({@link QwenConfig}: flat fields in transformers 4, {@code text_config} in transformers 5), the vision
 * tower ({@code vision_config}), the multimodal RoPE sections and the special token ids.
 *
 * @param text               the text decoder
 * @param vision             the vision tower
 * @param mropeSection       rotary frequency pairs given to the temporal, height and width position
 *                           ({@code mrope_section}); they add up to {@code head_dim / 2}
 * @param imageTokenId       {@code <|image_pad|>}: one per merged image patch
 * @param videoTokenId       {@code <|video_pad|>}
 * @param visionStartTokenId {@code <|vision_start|>}, just before the pads of an image
 * @param visionEndTokenId   {@code <|vision_end|>}
 */
public record Qwen25VlConfig(QwenConfig text, Qwen25VisionConfig vision, int[] mropeSection, int imageTokenId,
                             int videoTokenId, int visionStartTokenId, int visionEndTokenId) {
    /** Reads {@code dir/config.json}. */
    public static Qwen25VlConfig load(Path dir) {
        return read(dir.resolve("config.json"));
    }

    /** Reads and validates one Qwen2.5-VL configuration file. */
    public static Qwen25VlConfig read(Path file) {
        QwenConfig text = QwenConfig.read(file);
        if (!text.modelType().equals(QwenConfig.QWEN2_5_VL)) {
            throw new ModelFormatException(file, "model_type", "'" + text.modelType() + "' is not qwen2_5_vl");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ModelFormatException(file, null, "cannot read configuration: " + e.getMessage(), e);
        }
        JsonNode tc = root.path("text_config");
        JsonNode rope = tc.path("rope_parameters");
        String where = "text_config.rope_parameters.mrope_section";
        if (!rope.has("mrope_section")) {
            rope = root.path("rope_parameters");
            where = "rope_parameters.mrope_section";
        }
        if (!rope.has("mrope_section")) {
            rope = root.path("rope_scaling");
            where = "rope_scaling.mrope_section";
        }
        JsonNode sec = rope.get("mrope_section");
        if (sec == null || !sec.isArray() || sec.size() != 3) {
            throw new ModelFormatException(file, where, "must be a list of three section widths (t, h, w), got " + sec);
        }
        int[] section = new int[3];
        int sum = 0;
        for (int i = 0; i < 3; i++) {
            if (!sec.get(i).isInt() || sec.get(i).asInt() < 0) {
                throw new ModelFormatException(file, where, "item " + i + " must be a non-negative integer, got " + sec.get(i));
            }
            section[i] = sec.get(i).asInt();
            sum += section[i];
        }
        if (sum != text.headDim() / 2) {
            throw new ModelFormatException(file, where, "sections add up to " + sum + " but head_dim / 2 = "
                    + text.headDim() / 2);
        }
        Qwen25VisionConfig vision = Qwen25VisionConfig.read(file, root);
        if (vision.outHiddenSize() != text.hiddenSize()) {
            throw new ModelFormatException(file, "vision_config.out_hidden_size", vision.outHiddenSize()
                    + " differs from the text hidden_size " + text.hiddenSize());
        }
        // transformers' defaults are the ids of the published Qwen2.5-VL vocabulary
        return new Qwen25VlConfig(text, vision, section, tokenId(file, root, "image_token_id", 151655),
                tokenId(file, root, "video_token_id", 151656), tokenId(file, root, "vision_start_token_id", 151652),
                tokenId(file, root, "vision_end_token_id", 151653));
    }

    private static int tokenId(Path file, JsonNode root, String field, int dflt) {
        JsonNode n = root.get(field);
        String name = field;
        if (n == null || n.isNull()) {
            n = root.path("text_config").get(field);
            name = "text_config." + field;
        }
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isInt() || n.asInt() < 0) {
            throw new ModelFormatException(file, name, "must be a non-negative integer, got " + n);
        }
        return n.asInt();
    }
}
