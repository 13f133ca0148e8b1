package dev.ares.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.core.protocol.ChatMessage;
import dev.ares.model.DeviceSpec;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.GenerationResult;
import dev.ares.model.generation.Generator;
import dev.ares.model.qwen.Qwen25VlModel;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.tokenizer.ChatTemplates;
import dev.ares.model.tokenizer.QwenTokenizer;
import dev.ares.model.vision.ImageFeatures;
import dev.ares.model.vision.ImagePrompts;
import dev.ares.model.vision.ImageProcessorConfig;
import dev.ares.model.vision.MultimodalGenerator;
import dev.ares.model.vision.Qwen2VlImageProcessor;
import dev.ares.model.vision.RgbImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./ares generate}: loads a Hugging Face Qwen folder and generates one continuation (issue 3 item 7).
 * With {@code --json} it prints one object {@code {"ids", "text", "logprobs", "sampled_logprobs",
 * "entropies", "finish_reason"}}: {@code logprobs} under the model at temperature 1, {@code sampled_logprobs}
 * under the truncated distribution actually sampled from (0 for greedy), {@code entropies} of the full
 * distribution at the sampling temperature (temperature 1 when greedy), all in nats.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate tokens with a Qwen2/Qwen2.5/Qwen3/Qwen2.5-VL Hugging Face model folder (KV-cache"
                + " decoding; --image for Qwen2.5-VL).")
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Hugging Face model folder")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptSource prompt;

    static final class PromptSource {
        @Option(names = "--prompt", description = "prompt text (encoded with the folder's tokenizer.json)")
        String text;

        @Option(names = "--prompt-ids", description = "prompt token ids, comma-separated")
        String ids;
    }

    @Option(names = "--template", description = "wrap --prompt as a user turn: hf, chatml or ares-reasoning")
    String template;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "tokens to generate (default 64)")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "1.0", description = "0 = greedy (default 1.0)")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", description = "nucleus mass (default 1 = off)")
    double topP;

    @Option(names = "--top-k", defaultValue = "0", description = "top-k (default 0 = off)")
    int topK;

    @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default 0)")
    long seed;

    @Option(names = "--stop", description = "stop string (repeatable)")
    List<String> stop = new ArrayList<>();

    @Option(names = "--ignore-eos", description = "do not stop on the config's eos_token_id")
    boolean ignoreEos;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default cpu)")
    String device;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--image", description = "image file for a Qwen2.5-VL model (repeatable: one per image, in the"
            + " order of their pad runs in --prompt-ids; with --prompt the chat template inserts the pads)")
    List<Path> images = new ArrayList<>();

    @Override
    public Integer call() {
        if (!Files.isDirectory(model)) {
            throw new IllegalArgumentException("--model " + model + ": no such folder");
        }
        boolean hasTokenizer = Files.isRegularFile(model.resolve("tokenizer.json"));
        try (QwenModel m = QwenModel.load(model, DeviceSpec.parse(device));
             QwenTokenizer tok = hasTokenizer ? QwenTokenizer.load(model) : null) {
            if (tok != null) {
                tok.checkFits(m.config());
            }
            ImageFeatures pixels = images.isEmpty() ? null : processImages(m);
            int[] ids;
            if (prompt.ids != null) {
                ids = parseIds(prompt.ids);
            } else {
                if (tok == null) {
                    throw new IllegalArgumentException("--prompt needs " + model.resolve("tokenizer.json")
                            + "; use --prompt-ids");
                }
                String text;
                if (pixels != null) {
                    text = ImagePrompts.userTurn(template == null ? ChatTemplates.forModel(model)
                            : ChatTemplates.named(template, model), images.size(), prompt.text, true);
                } else {
                    text = template == null ? prompt.text : ChatTemplates.named(template, model)
                            .render(List.of(new ChatMessage("user", prompt.text)), true);
                }
                ids = tok.encode(text);
            }
            Set<Integer> eos = ignoreEos ? Set.of() : Set.copyOf(m.config().eosTokenIds());
            GenerationParams params = new GenerationParams(maxNewTokens, temperature, topP, topK, seed, eos, stop, 0);
            GenerationResult r;
            if (pixels != null) {
                Qwen25VlModel vl = (Qwen25VlModel) m;
                ids = ImagePrompts.expandImagePads(ids, pixels.grids(), vl.vlConfig());
                r = new MultimodalGenerator(vl, tok == null ? null : tok::decode)
                        .generate(List.of(ids), pixels, params).get(0);
            } else {
                r = new Generator(m, tok == null ? null : tok::decode).generate(List.of(ids), params).get(0);
            }
            String text = tok == null ? null : tok.decode(r.ids());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectMapper om = new ObjectMapper();
                ObjectNode o = om.createObjectNode();
                ArrayNode a = o.putArray("ids");
                for (int id : r.ids()) {
                    a.add(id);
                }
                o.put("text", text);
                floats(o.putArray("logprobs"), r.modelLogprobs());
                floats(o.putArray("sampled_logprobs"), r.sampledLogprobs());
                floats(o.putArray("entropies"), r.entropies());
                o.put("finish_reason", r.finishReason().name());
                out.println(o.toString());
            } else {
                out.println(text != null ? text : java.util.Arrays.toString(r.ids()));
            }
            out.flush();
            return 0;
        }
    }

    /** Reads and processes the --image files with the folder's preprocessor_config.json. */
    private ImageFeatures processImages(QwenModel m) {
        if (!(m instanceof Qwen25VlModel)) {
            throw new IllegalArgumentException("--image needs a Qwen2.5-VL model folder; " + model + " holds a "
                    + m.config().modelType() + " model");
        }
        Qwen2VlImageProcessor proc = new Qwen2VlImageProcessor(ImageProcessorConfig.load(model));
        List<RgbImage> decoded = new ArrayList<>();
        for (Path p : images) {
            try {
                decoded.add(RgbImage.read(p));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--image " + p + ": " + e.getMessage(), e);
            }
        }
        return proc.process(decoded);
    }

    private static void floats(ArrayNode a, float[] values) {
        for (float v : values) {
            a.add(v);
        }
    }

    static int[] parseIds(String csv) {
        String[] parts = csv.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--prompt-ids item " + i + " ('" + parts[i].trim()
                        + "') is not an integer");
            }
        }
        return ids;
    }
}
