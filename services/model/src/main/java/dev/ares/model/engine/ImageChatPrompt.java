package dev.ares.model.engine;

import dev.ares.core.compute.ServingEngine;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.tokenizer.ChatTemplate;
import dev.ares.model.tokenizer.JinjaChatTemplate;
import dev.ares.model.vision.ImageFeatures;
import dev.ares.model.vision.ImageProcessorConfig;
import dev.ares.model.vision.ImagePrompts;
import dev.ares.model.vision.Qwen2VlImageProcessor;
import dev.ares.model.vision.RgbImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prompt of a serving request with images (issue 8 item 4; docs/vision.md "Serving"): chat messages whose image
 * parts ({@link ServingEngine.ImagePart}) stand at character offsets of their message's content are rendered by the
 * model's chat template with an image part at each place (a Jinja template receives content lists of
 * {@code {type: text}} and {@code {type: image}} parts, as transformers passes them; a built-in template receives
 * {@link ImagePrompts#IMAGE_PART} spliced into the text); the images are decoded and processed with the model
 * folder's {@code preprocessor_config.json} (Qwen2-VL report §2.1) and each placeholder pad is expanded to its
 * image's token count ({@link ImagePrompts#expandImagePads}). A prompt given as text or ids must already hold one
 * image-pad run per image (one placeholder pad, or the full count).
 */
public final class ImageChatPrompt {
    /**
     * A prepared prompt.
     *
     * @param ids    token ids with one run of image pads per image, each of its image's token count
     * @param images the processed images, in the order of their pad runs
     */
    public record Prepared(int[] ids, ImageFeatures images) {
    }

    private ImageChatPrompt() {
    }

    /**
     * Builds the prompt of {@code request} (which holds at least one image) for policy {@code p}.
     *
     * @return the expanded ids and the processed images
     * @throws IllegalArgumentException when {@code p} is not a Qwen2.5-VL model, an image cannot be decoded (naming
     *                                  its index), or the prompt's pad runs do not match the images
     */
    public static Prepared prepare(LoadedPolicy p, ServingEngine.Request request) {
        if (!(p.model() instanceof Qwen25VlModel vl)) {
            throw new IllegalArgumentException("the served " + p.model().config().modelType()
                    + " model takes text only; images need a qwen2_5_vl model");
        }
        List<ServingEngine.ImagePart> parts = request.images();
        List<RgbImage> decoded = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            try {
                decoded.add(RgbImage.decode(parts.get(i).bytes(), "image " + i));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("image " + i + " cannot be decoded: " + e.getMessage(), e);
            }
        }
        ImageFeatures features = new Qwen2VlImageProcessor(ImageProcessorConfig.load(p.dir())).process(decoded);
        int[] raw = request.promptIds() != null ? request.promptIds()
                : request.promptText() != null ? p.encode(request.promptText())
                : p.encode(render(p.template(), request.messages(), parts));
        return new Prepared(ImagePrompts.expandImagePads(raw, features.grids(), vl.vlConfig()), features);
    }

    /**
     * The chat rendered with the generation prompt and one image part at each image's place.
     *
     * @param images in prompt order (as {@link ServingEngine.Request} checks), each naming a message and an offset
     */
    static String render(ChatTemplate template, List<ChatMessage> messages, List<ServingEngine.ImagePart> images) {
        if (template instanceof JinjaChatTemplate jinja) {
            List<Map<String, Object>> maps = new ArrayList<>(messages.size());
            for (int m = 0; m < messages.size(); m++) {
                Map<String, Object> msg = new LinkedHashMap<>();
                msg.put("role", messages.get(m).role());
                List<Object> content = parts(messages.get(m).content(), images, m);
                msg.put("content", content == null ? messages.get(m).content() : content);
                maps.add(msg);
            }
            return jinja.renderMessages(maps, true);
        }
        List<ChatMessage> spliced = new ArrayList<>(messages.size());
        for (int m = 0; m < messages.size(); m++) {
            String text = messages.get(m).content();
            StringBuilder sb = new StringBuilder();
            int at = 0;
            for (ServingEngine.ImagePart im : images) {
                if (im.message() == m) {
                    sb.append(text, at, im.offset()).append(ImagePrompts.IMAGE_PART);
                    at = im.offset();
                }
            }
            spliced.add(new ChatMessage(messages.get(m).role(), sb.append(text.substring(at)).toString()));
        }
        return template.render(spliced, true);
    }

    /** Message {@code m}'s content as text and image parts, or null when it has no image. */
    private static List<Object> parts(String text, List<ServingEngine.ImagePart> images, int m) {
        List<Object> out = null;
        int at = 0;
        for (ServingEngine.ImagePart im : images) {
            if (im.message() != m) {
                continue;
            }
            if (out == null) {
                out = new ArrayList<>();
            }
            if (im.offset() > at) {
                out.add(Map.of("type", "text", "text", text.substring(at, im.offset())));
            }
            out.add(Map.of("type", "image"));
            at = im.offset();
        }
        if (out != null && at < text.length()) {
            out.add(Map.of("type", "text", "text", text.substring(at)));
        }
        return out;
    }
}
