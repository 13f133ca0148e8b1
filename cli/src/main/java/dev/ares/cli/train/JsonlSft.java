package dev.ares.cli.train;

import dev.ares.core.data.BadRowPolicy;
import dev.ares.model.qwen.Qwen25VlConfig;
import dev.ares.model.qwen.QwenConfig;
import dev.ares.model.tokenizer.ChatTemplate;
import dev.ares.model.tokenizer.ChatTemplates;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.model.train.ImageSftData;
import dev.ares.model.train.SftDataset;
import dev.ares.model.train.SftExample;
import dev.ares.model.train.SftJsonl;
import dev.ares.model.vision.ImageProcessorConfig;
import dev.ares.model.vision.Qwen2VlImageProcessor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The data of {@code ./ares sft --data FILE} (docs/vision.md "SFT from a file with images"): the JSONL's text rows
 * tokenised by {@link SftDataset#tokenize} after the level mix, and, for a Qwen2.5-VL base, its image rows
 * ({@link SftJsonl} with images: EasyR1/ARES image paths, data URLs or bytes) tokenised by
 * {@link ImageSftData#tokenize} (the chat template's image parts, pads expanded, pixels processed by the folder's
 * {@code preprocessor_config.json}), the same path as the on-the-fly image curriculum. For a text-only base, image
 * rows are an error under {@link BadRowPolicy#FAIL} (naming the file, their count and the first line) and skipped
 * with a count under {@link BadRowPolicy#SKIP}.
 */
public final class JsonlSft {
    private JsonlSft() {
    }

    /**
     * @param base   the model folder (config, tokenizer, chat template, and for Qwen2.5-VL the image processor)
     * @param eos    end-of-turn ids the completions end with
     * @param mix    repeats of the text rows by level (image rows are taken once each)
     * @param err    where skipped rows and counts are reported
     * @return the text examples followed by the image examples (the trainer shuffles per epoch)
     * @throws IllegalArgumentException for image rows given to a text-only base under {@link BadRowPolicy#FAIL}
     * @throws dev.ares.core.data.DatasetFormatException for a malformed row under {@link BadRowPolicy#FAIL}
     */
    public static SftDataset dataset(Path data, Path base, QwenTokenizer tok, Set<Integer> eos, LevelMix mix,
                                     BadRowPolicy policy, int maxLen, PrintWriter err) {
        QwenConfig config = QwenConfig.load(base);
        boolean vl = QwenConfig.QWEN2_5_VL.equals(config.modelType());
        SftJsonl.Result r = SftJsonl.read(data, policy, e -> err.println("sft: skipped " + e.getMessage()), vl);
        if (!vl && r.imageRows() > 0 && policy == BadRowPolicy.FAIL) {
            throw new IllegalArgumentException("--data " + data + ": " + r.imageRows() + " rows carry images (the first"
                    + " at line " + r.imageRowNumbers().get(0) + ") but " + base.resolve("config.json") + " is a text-only "
                    + config.modelType() + " model; train a Qwen2.5-VL model (--init demo-vl or --model DIR) or give "
                    + "--bad-rows skip to leave them out");
        }
        if (r.imageRows() > 0 || r.badRows() > 0) {
            err.printf(Locale.ROOT, "sft: %s: %d text rows, %d image rows %s, %d malformed rows skipped%n", data,
                    r.records().size(), r.imageRows(), vl ? "used" : "skipped (text-only model)", r.badRows());
        }
        ChatTemplate template = ChatTemplates.forModel(base);
        List<SftExample> examples = new ArrayList<>();
        int dropped = 0;
        if (!r.records().isEmpty()) {
            SftDataset text = SftDataset.tokenize(mix.apply(r.records()), tok, template, eos, maxLen);
            examples.addAll(text.examples());
            dropped += text.truncated();
        }
        if (!r.imageRecords().isEmpty()) {
            SftDataset images = ImageSftData.tokenize(r.imageRecords(), tok, template,
                    new Qwen2VlImageProcessor(ImageProcessorConfig.load(base)), Qwen25VlConfig.load(base), eos, maxLen);
            examples.addAll(images.examples());
            dropped += images.truncated();
        }
        return new SftDataset(examples, dropped);
    }
}
