package dev.ares.model.vision;

import dev.ares.core.protocol.ChatMessage;
import dev.ares.model.qwen.Qwen25VlConfig;
import dev.ares.model.tokenizer.ChatTemplate;
import dev.ares.model.tokenizer.JinjaChatTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prompts with images for Qwen2.5-VL: a user turn with image parts rendered by the chat template, and the
 * expansion of each image's placeholder pad into the number of pads its embeddings fill (what the
 * reference processor does to {@code input_ids}).
 */
public final class ImagePrompts {
    /** The vision block the Qwen templates write for one image part. */
    public static final String IMAGE_PART = "<|vision_start|><|image_pad|><|vision_end|>";

    private ImagePrompts() {
    }

    /**
     * One user turn holding {@code images} image parts followed by {@code text}. A Jinja template from the
     * model folder receives the parts as a content list ({@code {type: image}}, then {@code {type: text}});
     * the built-in templates receive the text with {@link #IMAGE_PART} per image in front.
     */
    public static String userTurn(ChatTemplate template, int images, String text, boolean addGenerationPrompt) {
        if (template instanceof JinjaChatTemplate jinja) {
            List<Object> parts = new ArrayList<>();
            for (int i = 0; i < images; i++) {
                parts.add(Map.of("type", "image"));
            }
            parts.add(Map.of("type", "text", "text", text));
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("role", "user");
            msg.put("content", parts);
            return jinja.renderMessages(List.of(msg), addGenerationPrompt);
        }
        return template.render(List.of(new ChatMessage("user", IMAGE_PART.repeat(images) + text)), addGenerationPrompt);
    }

    /**
     * Gives every image its run of pads: the {@code i}-th run of image pads in {@code ids} belongs to
     * {@code grids[i]}; a run of one pad (a template's placeholder) is expanded to the image's token count,
     * a run of exactly that count is kept.
     *
     * @throws IllegalArgumentException when the number of runs differs from the number of images, or a run
     *                                  has another length (the message names the image and both counts)
     */
    public static int[] expandImagePads(int[] ids, List<GridThw> grids, Qwen25VlConfig config) {
        int pad = config.imageTokenId();
        int merge = config.vision().spatialMergeSize();
        List<Integer> out = new ArrayList<>(ids.length);
        int image = 0;
        int i = 0;
        while (i < ids.length) {
            if (ids[i] != pad) {
                out.add(ids[i++]);
                continue;
            }
            int run = 0;
            while (i + run < ids.length && ids[i + run] == pad) {
                run++;
            }
            if (image >= grids.size()) {
                throw new IllegalArgumentException("the prompt has more image pad runs than the " + grids.size()
                        + " images given");
            }
            int need = grids.get(image).tokens(merge);
            if (run != 1 && run != need) {
                throw new IllegalArgumentException("image " + image + " (grid " + grids.get(image) + ") needs " + need
                        + " image pads (or one placeholder pad), the prompt has a run of " + run);
            }
            for (int k = 0; k < need; k++) {
                out.add(pad);
            }
            image++;
            i += run;
        }
        if (image != grids.size()) {
            throw new IllegalArgumentException(grids.size() + " images were given but the prompt has " + image
                    + " image pad runs");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
