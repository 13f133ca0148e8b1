package dev.ares.cli.train;

import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Modality;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.TaskFamilies;
import dev.ares.core.tasks.TaskFamily;
import dev.ares.model.qwen.Qwen25VlConfig;
import dev.ares.model.qwen.QwenConfig;
import dev.ares.model.tokenizer.ChatTemplates;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.model.train.ImageSftData;
import dev.ares.model.train.SftDataset;
import dev.ares.model.vision.ImageProcessorConfig;
import dev.ares.model.vision.Qwen2VlImageProcessor;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The data of {@code ./ares sft --modality image}: the curriculum's image families (all, or the chosen families and
 * levels, uniform weights) curated with AdaCS on the fly ({@link ImageSftData#curriculumRecords}) and tokenised for
 * the Qwen2.5-VL model in {@code base} (its chat template, {@code preprocessor_config.json} and image-token ids).
 */
public final class ImageCurriculumSft {
    private ImageCurriculumSft() {
    }

    /**
     * @param families image family names, or null for every image family
     * @param levels   levels 1..5, or null for all
     * @throws IllegalArgumentException when {@code base} is not a Qwen2.5-VL folder, a family is unknown or not an
     *                                  image family, or a level is outside 1..5
     */
    public static SftDataset dataset(Path base, QwenTokenizer tok, List<String> families, List<Integer> levels,
                                     int rows, int pool, long seed, PromptFormat format, int maxLen) {
        QwenConfig c = QwenConfig.load(base);
        if (!QwenConfig.QWEN2_5_VL.equals(c.modelType())) {
            throw new IllegalArgumentException("--modality image needs a qwen2_5_vl model; " + base.resolve("config.json")
                    + " is " + c.modelType() + " (use --init demo-vl or a Qwen2.5-VL --model)");
        }
        List<String> names = families != null ? families
                : TaskFamilies.of(Modality.IMAGE).stream().map(TaskFamily::name).toList();
        List<Integer> lv = levels != null ? levels : List.of(1, 2, 3, 4, 5);
        Curriculum.Builder b = Curriculum.builder();
        for (String name : names) {
            TaskFamily f = TaskFamilies.byName(name.strip());
            if (f.modality() != Modality.IMAGE) {
                throw new IllegalArgumentException("--families: " + f.name() + " is a text family; --modality image "
                        + "takes image families " + TaskFamilies.of(Modality.IMAGE).stream().map(TaskFamily::name).toList());
            }
            for (int level : lv) {
                b.add(f.name(), level, 1.0);
            }
        }
        List<ImageSftData.ImageRecord> records = ImageSftData.curriculumRecords(b.build(), rows, pool, seed, format, tok);
        Set<Integer> eos = new LinkedHashSet<>();
        for (String s : List.of("<|im_end|>", "<|endoftext|>")) {
            Integer id = tok.specialId(s);
            if (id != null) {
                eos.add(id);
            }
        }
        return ImageSftData.tokenize(records, tok, ChatTemplates.forModel(base),
                new Qwen2VlImageProcessor(ImageProcessorConfig.load(base)), Qwen25VlConfig.load(base), eos, maxLen);
    }
}
