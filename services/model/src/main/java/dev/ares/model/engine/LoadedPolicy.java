package dev.ares.model.engine;

import dev.ares.core.protocol.ChatMessage;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.trigger.TriggerTable;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.GenerationResult;
import dev.ares.model.generation.Generator;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.tokenizer.ChatTemplate;
import dev.ares.model.tokenizer.ChatTemplates;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.model.train.ImageSftData;
import dev.ares.model.vision.ImageFeatures;
import dev.ares.model.vision.ImageProcessorConfig;
import dev.ares.model.vision.ImagePrompts;
import dev.ares.model.vision.MultimodalGenerator;
import dev.ares.model.vision.Qwen2VlImageProcessor;
import dev.ares.model.vision.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One servable policy: a Qwen model loaded from a Hugging Face folder with its tokenizer, chat template,
 * end-of-sequence ids and reasoning-trigger table (architecture.md §5, §6), and the version it was announced as.
 * Leased by requests ({@link #acquire()}/{@link #release()}) so that a hot swap closes it only when the last
 * request that started on it has finished.
 */
public final class LoadedPolicy {
    private final QwenModel model;
    private final QwenTokenizer tokenizer;
    private final ChatTemplate template;
    private final Generator generator;
    private final TriggerTable triggers;
    private final Set<Integer> eosIds;
    private final long version;
    private final Path dir;
    private final AtomicInteger leases = new AtomicInteger(1);

    private LoadedPolicy(QwenModel model, QwenTokenizer tokenizer, ChatTemplate template, TriggerTable triggers,
                         Set<Integer> eosIds, long version, Path dir) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.template = template;
        this.generator = new Generator(model, tokenizer::decode);
        this.triggers = triggers;
        this.eosIds = eosIds;
        this.version = version;
        this.dir = dir;
    }

    /**
     * Loads {@code dir} on {@code device}.
     *
     * @param version the policy version it is served as (0 for a folder given by configuration)
     * @throws dev.ares.model.ModelFormatException naming the file and tensor or field when the folder is unusable
     */
    public static LoadedPolicy load(Path dir, long version, DeviceSpec device, TriggerVocabulary words) {
        QwenModel model = QwenModel.load(dir, device);
        QwenTokenizer tokenizer = null;
        try {
            tokenizer = QwenTokenizer.load(dir);
            tokenizer.checkFits(model.config());
            Set<Integer> eos = new LinkedHashSet<>();
            for (int id : model.config().eosTokenIds()) {
                if (id >= 0 && id < model.config().vocabSize()) {
                    eos.add(id);
                }
            }
            for (String special : List.of("<|im_end|>", "<|endoftext|>")) {
                Integer id = tokenizer.specialId(special);
                if (id != null) {
                    eos.add(id);
                }
            }
            String[] vocab = new String[tokenizer.vocabSize()];
            for (int i = 0; i < vocab.length; i++) {
                vocab[i] = tokenizer.decode(new int[] {i});
            }
            return new LoadedPolicy(model, tokenizer, ChatTemplates.forModel(dir), TriggerTable.build(vocab, words), eos,
                    version, dir);
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            model.close();
            throw e;
        }
    }

    /** The version this policy is served as. */
    public long version() {
        return version;
    }

    /** The folder it was loaded from. */
    public Path dir() {
        return dir;
    }

    /** The model itself, for a serving scheduler that owns its decode loop (one forward at a time). */
    public QwenModel model() {
        return model;
    }

    /** Ids that end a generated sequence (the configuration's EOS ids and the chat end tokens). */
    public Set<Integer> eosIds() {
        return Set.copyOf(eosIds);
    }

    /** The reasoning-trigger table of this tokenizer. */
    public TriggerTable triggers() {
        return triggers;
    }

    /** The model's vocabulary size (ids at or above it are rejected). */
    public int vocabSize() {
        return model.config().vocabSize();
    }

    /** The id of a special token such as {@code </think>}, or null when the tokenizer has none. */
    public Integer specialId(String token) {
        return tokenizer.specialId(token);
    }

    /** The model's chat template (read-only use, e.g. {@link ImageChatPrompt} renders image parts with it). */
    public ChatTemplate template() {
        return template;
    }

    /** Chat messages rendered by the model's template (with the generation prompt) and encoded. */
    public int[] encodeChat(List<ChatMessage> messages) {
        return tokenizer.encode(template.render(messages, true));
    }

    /** Text encoded as is. */
    public int[] encode(String text) {
        return tokenizer.encode(text);
    }

    /** Ids decoded to text. */
    public String decode(int[] ids) {
        return tokenizer.decode(ids);
    }

    /**
     * {@code n} samples of one prompt in one batch.
     *
     * @throws IllegalArgumentException when a prompt id lies outside the vocabulary or the prompt plus
     *     {@code maxNewTokens} exceeds the model's context
     */
    public List<GenerationResult> sample(int[] prompt, SamplingParams sampling, int n, int topLogprobs) {
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocabSize()) {
                throw new IllegalArgumentException("prompt token " + prompt[i] + " at index " + i
                        + " is outside the vocabulary of " + vocabSize());
            }
        }
        int context = model.config().maxPositionEmbeddings();
        if (prompt.length + sampling.maxNewTokens() > context) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens plus max_tokens "
                    + sampling.maxNewTokens() + " exceeds the model's context of " + context);
        }
        List<int[]> prompts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            prompts.add(prompt);
        }
        // one generation at a time per model: requests are serialised here until continuous batching (issue 7)
        synchronized (generator) {
            return generator.generate(prompts, GenerationParams.of(sampling, eosIds).withTopLogprobs(topLogprobs));
        }
    }

    /**
     * {@code n} samples of one user turn with images, for a Qwen2.5-VL model (docs/vision.md): the text with its
     * EasyR1 {@code <image>} placeholders removed goes through the chat template with one image part per image,
     * each image's pad run is expanded to its token count, the images are processed with the folder's
     * {@code preprocessor_config.json} and the batch is generated by {@link MultimodalGenerator} (M-RoPE).
     *
     * @param userText user text holding one {@code <image>} placeholder per image (or none: the images then come
     *                 first, as the chat template writes image parts before the text)
     * @param images   encoded images (PNG, JPEG, ...), in order
     * @throws IllegalArgumentException when the model is not a Qwen2.5-VL model, an image cannot be decoded, the
     *                                  placeholder count is neither 0 nor the image count, or the prompt plus
     *                                  {@code maxNewTokens} exceeds the context
     */
    public List<GenerationResult> sampleWithImages(String userText, List<byte[]> images, SamplingParams sampling,
                                                   int n, int topLogprobs) {
        Qwen25VlModel vl = visionModel();
        ImagePrompt ip = imagePrompt(userText, images);
        int[] prompt = ip.ids();
        ImageFeatures one = ip.images();
        int context = model.config().maxPositionEmbeddings();
        if (prompt.length + sampling.maxNewTokens() > context) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens plus max_tokens "
                    + sampling.maxNewTokens() + " exceeds the model's context of " + context);
        }
        List<int[]> prompts = new ArrayList<>(n);
        List<ImageFeatures> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            prompts.add(prompt);
            all.add(one);
        }
        synchronized (generator) {
            return new MultimodalGenerator(vl, tokenizer::decode).generate(prompts, ImageFeatures.concat(all),
                    GenerationParams.of(sampling, eosIds).withTopLogprobs(topLogprobs));
        }
    }

    /**
     * A user turn with images, ready for a multimodal prefill: the prompt ids and the processed images.
     *
     * @param ids    the chat-encoded user turn (with the generation prompt), each image's pad run expanded to its
     *               token count
     * @param images the images processed with the folder's {@code preprocessor_config.json}, in pad-run order
     */
    public record ImagePrompt(int[] ids, ImageFeatures images) {
    }

    /**
     * Encodes one user turn with images for a Qwen2.5-VL model (docs/vision.md): the EasyR1 {@code <image>}
     * placeholders are removed from the text, the chat template writes one image part per image (before the text),
     * the images are decoded and processed, and each pad run is expanded to its image's token count.
     *
     * @param userText user text holding one {@code <image>} placeholder per image, or none
     * @param images   encoded images (PNG, JPEG, ...), in order, at least one
     * @throws IllegalArgumentException when the model is not a Qwen2.5-VL model, an image cannot be decoded or
     *                                  processed (naming its index; any unchecked decoder failure included, so the
     *                                  rollout fails only that request) or the placeholder count is neither 0 nor
     *                                  the image count
     */
    public ImagePrompt imagePrompt(String userText, List<byte[]> images) {
        Qwen25VlModel vl = visionModel();
        ImageSftData.UserParts parts = ImageSftData.userParts(userText);
        if (parts.images() != 0 && parts.images() != images.size()) {
            throw new IllegalArgumentException("the user text has " + parts.images() + " image placeholders but "
                    + images.size() + " images were given");
        }
        List<RgbImage> decoded = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            try {
                decoded.add(RgbImage.decode(images.get(i), "image " + i));
            } catch (java.io.IOException | RuntimeException e) {
                // a malformed image must fail only its request: ImageIO's plugins may throw unchecked exceptions too
                throw new IllegalArgumentException("image " + i + " cannot be decoded: "
                        + (e instanceof java.io.IOException ? e.getMessage() : e.toString()), e);
            }
        }
        ImageFeatures features;
        try {
            features = new Qwen2VlImageProcessor(ImageProcessorConfig.load(dir)).process(decoded);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the images cannot be processed for " + dir + ": " + e, e);
        }
        int[] ids = ImagePrompts.expandImagePads(
                tokenizer.encode(ImagePrompts.userTurn(template, images.size(), parts.text(), true)), features.grids(),
                vl.vlConfig());
        return new ImagePrompt(ids, features);
    }

    private Qwen25VlModel visionModel() {
        if (!(model instanceof Qwen25VlModel vl)) {
            throw new IllegalArgumentException(dir + " holds a " + model.config().modelType()
                    + " model, which takes text only; images need a qwen2_5_vl model");
        }
        return vl;
    }

    /** Takes a lease; false when the policy has already been closed. */
    boolean acquire() {
        while (true) {
            int n = leases.get();
            if (n == 0) {
                return false;
            }
            if (leases.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Returns a lease; the last one closes the model. */
    void release() {
        if (leases.decrementAndGet() == 0) {
            tokenizer.close();
            model.close();
        }
    }
}
