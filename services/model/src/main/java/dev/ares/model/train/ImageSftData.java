package dev.ares.model.train;

import dev.ares.core.data.AdaCs;
import dev.ares.core.data.CsItem;
import dev.ares.core.data.CsSelection;
import dev.ares.core.data.PassRates;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Task;
import dev.ares.model.qwen.Qwen25VlConfig;
import dev.ares.model.tokenizer.ChatTemplate;
import dev.ares.model.tokenizer.JinjaChatTemplate;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.model.vision.ImageFeatures;
import dev.ares.model.vision.ImagePrompts;
import dev.ares.model.vision.Qwen2VlImageProcessor;
import dev.ares.model.vision.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SFT examples with images for a Qwen2.5-VL model (issue 8 item 4, docs/vision.md): the curriculum's image
 * families curated with AdaCS on the fly (aepo-spec.md §9, prior pass rates, as the text path of
 * {@link SftDataset#curriculumRecords} does), tokenised through the model's chat template with image parts,
 * each image's pad run expanded to its token count and the pixels processed by the model's image processor.
 */
public final class ImageSftData {

    /**
     * One example before tokenisation.
     *
     * @param record the user text (with the EasyR1 {@code <image>} placeholder per image) and the response
     * @param images encoded images (PNG), one per placeholder, in order; non-empty
     */
    public record ImageRecord(SftRecord record, List<byte[]> images) {
        public ImageRecord {
            images = List.copyOf(images);
            if (images.isEmpty()) {
                throw new IllegalArgumentException("image record " + record.id() + " has no image");
            }
        }
    }

    /**
     * The user turn's text without its {@code <image>} placeholders, and how many there were.
     *
     * @param text   the text with every placeholder removed
     * @param images number of placeholders
     */
    public record UserParts(String text, int images) {
    }

    private ImageSftData() {
    }

    /** Splits EasyR1-style user text ({@link PromptFormat#IMAGE_PLACEHOLDER} per image) into text and image count. */
    public static UserParts userParts(String user) {
        int n = 0;
        int at = user.indexOf(PromptFormat.IMAGE_PLACEHOLDER);
        while (at >= 0) {
            n++;
            at = user.indexOf(PromptFormat.IMAGE_PLACEHOLDER, at + 1);
        }
        return new UserParts(user.replace(PromptFormat.IMAGE_PLACEHOLDER, ""), n);
    }

    /**
     * {@code pool} training-split problems drawn from {@code curriculum} (image families), prior pass rates from
     * k = 8, extreme anchors, response lengths in {@code tokenizer} tokens, then {@code n} adaptive selections:
     * the image analogue of {@link SftDataset#curriculumRecords}.
     *
     * @throws IllegalArgumentException when a drawn problem has no image
     */
    public static List<ImageRecord> curriculumRecords(Curriculum curriculum, int n, int pool, long seed,
                                                      PromptFormat format, QwenTokenizer tokenizer) {
        List<Task> tasks = curriculum.take(Split.TRAIN, seed, pool);
        List<CsItem> items = AdaCs.poolFromTasks(tasks, PassRates.fromPriors(8), s -> tokenizer.encode(s).length);
        List<CsSelection> sel = AdaCs.select(items, n, AdaCs.Mode.ADAPTIVE, AdaCs.AnchorMode.EXTREMES, seed);
        List<ImageRecord> out = new ArrayList<>(sel.size());
        for (CsSelection s : sel) {
            Problem p = s.item().problem();
            if (!p.hasImage()) {
                throw new IllegalArgumentException("problem " + p.id() + " of family " + p.family()
                        + " has no image; the image curriculum takes image families only");
            }
            out.add(new ImageRecord(new SftRecord(p.id(), s.item().source(), p.level(), format.userText(p),
                    s.chosen().response()), List.of(p.image())));
        }
        return out;
    }

    /**
     * Tokenises image records: prompt = the user turn with one image part per image and the generation prompt,
     * completion = the assistant turn up to and including the first end-of-turn id; the image pads are expanded
     * ({@link ImagePrompts#expandImagePads}) and the images processed into {@link SftExample#images()}.
     *
     * @param maxLength most tokens per example, image pads included; longer ones are counted and left out
     * @throws IllegalArgumentException when a record's placeholder count differs from its images, an image cannot
     *                                  be decoded (naming the record), or a completion has no end-of-turn token
     */
    public static SftDataset tokenize(List<ImageRecord> records, QwenTokenizer tokenizer, ChatTemplate template,
                                      Qwen2VlImageProcessor processor, Qwen25VlConfig config, Set<Integer> eosIds,
                                      int maxLength) {
        List<SftExample> out = new ArrayList<>(records.size());
        int dropped = 0;
        for (ImageRecord r : records) {
            UserParts u = userParts(r.record().user());
            if (u.images() != r.images().size()) {
                throw new IllegalArgumentException("record " + r.record().id() + ": the user text has " + u.images()
                        + " " + PromptFormat.IMAGE_PLACEHOLDER + " placeholders but " + r.images().size() + " images");
            }
            String prompt = ImagePrompts.userTurn(template, u.images(), u.text(), true);
            String full = withAssistant(template, u, r.record().response());
            if (!full.startsWith(prompt)) {
                throw new IllegalArgumentException("chat template " + template.name() + " renders record "
                        + r.record().id() + " with its assistant turn in a way that does not start with the "
                        + "generation prompt");
            }
            List<RgbImage> decoded = new ArrayList<>();
            for (int i = 0; i < r.images().size(); i++) {
                try {
                    decoded.add(RgbImage.decode(r.images().get(i), "record " + r.record().id() + " image " + i));
                } catch (IOException e) {
                    throw new UncheckedIOException("record " + r.record().id() + " image " + i + ": " + e.getMessage(), e);
                }
            }
            ImageFeatures features = processor.process(decoded);
            int[] p = ImagePrompts.expandImagePads(tokenizer.encode(prompt), features.grids(), config);
            int[] c = tokenizer.encode(full.substring(prompt.length()));
            int end = -1;
            for (int i = 0; i < c.length; i++) {
                if (eosIds.contains(c[i])) {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                throw new IllegalArgumentException("record " + r.record().id() + ": the chat template "
                        + template.name() + " ends the assistant turn with no end-of-turn token " + eosIds);
            }
            int n = p.length + end + 1;
            if (n > maxLength) {
                dropped++;
                continue;
            }
            int[] ids = new int[n];
            System.arraycopy(p, 0, ids, 0, p.length);
            System.arraycopy(c, 0, ids, p.length, end + 1);
            out.add(new SftExample(ids, p.length, r.record(), features));
        }
        return new SftDataset(out, dropped);
    }

    /** The user turn with image parts followed by the assistant turn, without the generation prompt. */
    private static String withAssistant(ChatTemplate template, UserParts u, String response) {
        if (template instanceof JinjaChatTemplate jinja) {
            List<Object> parts = new ArrayList<>();
            for (int i = 0; i < u.images(); i++) {
                parts.add(Map.of("type", "image"));
            }
            parts.add(Map.of("type", "text", "text", u.text()));
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("role", "user");
            user.put("content", parts);
            Map<String, Object> assistant = new LinkedHashMap<>();
            assistant.put("role", "assistant");
            assistant.put("content", response);
            return jinja.renderMessages(List.of(user, assistant), false);
        }
        return template.render(List.of(new ChatMessage("user", ImagePrompts.IMAGE_PART.repeat(u.images()) + u.text()),
                new ChatMessage("assistant", response)), false);
    }
}
