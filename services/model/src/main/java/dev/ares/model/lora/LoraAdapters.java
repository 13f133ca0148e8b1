package dev.ares.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ares.model.qwen.DecoderLayer;
import dev.ares.model.qwen.QwenConfig;
import dev.ares.model.qwen.QwenModel;
import dev.ares.model.weights.SafetensorsWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.WeakHashMap;

/**
 * LoRA adapters (Hu et al. 2021) attached to every decoder layer of a {@link QwenModel}: for each target
 * projection {@code W} the layer computes {@code W x + scaling * B A x} ({@link LoraPair}). The base weights
 * are not touched until {@link #merge()}; train only {@link #trainableParameters()}.
 *
 * <p>Life cycle: {@link #attach} (new adapter: A Kaiming-uniform from a seed, B zero, so the model's outputs
 * are unchanged) or {@link #load} (a PEFT folder); forward passes, generation and {@code TokenScorer} then see
 * the adapted model; {@link #save} writes the PEFT layout; {@link #merge()} folds the update into the base
 * weights and detaches; {@link #detach()} restores the base model. One adapter set per model at a time.
 */
public final class LoraAdapters implements AutoCloseable {
    /** PEFT's weights file name. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private static final Map<QwenModel, LoraAdapters> ATTACHED = Collections.synchronizedMap(new WeakHashMap<>());

    private final QwenModel model;
    private final LoraConfig config;
    private final NDManager manager;
    private final List<LoraPair> pairs;
    private boolean attached;

    private LoraAdapters(QwenModel model, LoraConfig config, NDManager manager, List<LoraPair> pairs) {
        this.model = model;
        this.config = config;
        this.manager = manager;
        this.pairs = List.copyOf(pairs);
    }

    /**
     * Attaches a new adapter to every layer. As PEFT's default initialisation: {@code A ~ U(-1/sqrt(in),
     * 1/sqrt(in))} (Kaiming-uniform with {@code a = sqrt(5)}, the {@code nn.Linear} default), drawn from a
     * {@link SplittableRandom} seeded with {@code seed} in layer, target order; {@code B = 0}. The adapted
     * model's outputs therefore equal the base model's exactly until B is trained.
     *
     * @throws IllegalArgumentException when {@code config.dropout()} is not 0 (dropout is not implemented)
     * @throws IllegalStateException    when the model already has adapters
     */
    public static LoraAdapters attach(QwenModel model, LoraConfig config, long seed) {
        if (config.dropout() != 0) {
            throw new IllegalArgumentException("lora_dropout " + config.dropout() + " is not implemented; use 0 "
                    + "(this runtime trains adapters deterministically)");
        }
        QwenConfig c = model.config();
        DataType type = model.device().dataType();
        NDManager m = model.manager().newSubManager();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<LoraPair> pairs = new ArrayList<>();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (LoraTarget t : config.targets()) {
                long in = t.inFeatures(c);
                long out = t.outFeatures(c);
                float[] a = new float[Math.toIntExact(config.r() * in)];
                double bound = 1.0 / Math.sqrt(in);
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
                }
                NDArray aArr = m.create(a, new Shape(config.r(), in)).toType(type, false);
                NDArray bArr = m.zeros(new Shape(out, config.r()), type);
                pairs.add(new LoraPair(t, layer, aArr, bArr, (float) config.scaling()));
            }
        }
        return install(model, config, m, pairs);
    }

    /**
     * Loads a PEFT LoRA folder ({@code adapter_config.json} and {@code adapter_model.safetensors}) and attaches
     * it to {@code model}.
     *
     * @throws dev.ares.model.ModelFormatException naming the file and the field or tensor: a missing file or
     *         tensor, a rank or shape that disagrees with the configuration or the base model, an unknown target
     *         module, a tensor the configuration does not account for, an unsupported PEFT setting
     */
    public static LoraAdapters load(Path dir, QwenModel model) {
        LoraConfig config = AdapterConfigJson.read(dir.resolve(AdapterConfigJson.FILE), model.config().numLayers());
        NDManager m = model.manager().newSubManager();
        try {
            List<LoraPair> pairs = PeftWeights.read(dir.resolve(WEIGHTS_FILE), config, model, m);
            return install(model, config, m, pairs);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static LoraAdapters install(QwenModel model, LoraConfig config, NDManager m, List<LoraPair> pairs) {
        LoraAdapters adapters = new LoraAdapters(model, config, m, pairs);
        synchronized (ATTACHED) {
            if (ATTACHED.containsKey(model)) {
                m.close();
                throw new IllegalStateException("the model already has LoRA adapters attached; detach or merge them first");
            }
            ATTACHED.put(model, adapters);
        }
        adapters.hook(true);
        adapters.attached = true;
        return adapters;
    }

    /** The adapters' configuration. */
    public LoraConfig config() {
        return config;
    }

    /** The adapted model. */
    public QwenModel model() {
        return model;
    }

    /** All (layer, target) factor pairs, in layer then target order. */
    public List<LoraPair> pairs() {
        return pairs;
    }

    /**
     * The trainable arrays, A and B of every adapted projection under their PEFT names (for {@code AdamW} and
     * autograd); the base weights are not among them.
     */
    public Map<String, NDArray> trainableParameters() {
        requireAttached();
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (LoraPair pair : pairs) {
            p.put(pair.nameA(), pair.a());
            p.put(pair.nameB(), pair.b());
        }
        return p;
    }

    /**
     * Writes the PEFT layout into {@code dir} (created when missing): {@code adapter_config.json} and
     * {@code adapter_model.safetensors} holding {@code base_model.model.model.layers.N.<block>.<module>.lora_A.weight}
     * {@code [r, in]} and {@code ...lora_B.weight} {@code [out, r]} in the compute dtype.
     */
    public void save(Path dir) {
        requireAttached();
        AdapterConfigJson.write(config, dir.resolve(AdapterConfigJson.FILE));
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), trainableParameters());
    }

    /**
     * Folds every adapter into the base weights, {@code W += scaling * B A} in the target's row block of its
     * (possibly fused) matrix (computed in float32, stored in the weight's dtype), then detaches and frees the
     * adapters. The model afterwards computes what the adapted model computed, without the low-rank path.
     */
    public void merge() {
        requireAttached();
        Map<String, NDArray> params = model.parameters();
        QwenConfig c = model.config();
        try (NDScope scope = new NDScope()) {
            for (LoraPair pair : pairs) {
                NDArray w = params.get(pair.target().fused().parameterName(pair.layer()));
                long lo = pair.target().rowOffset(c);
                NDIndex rows = new NDIndex("{}:{}", lo, lo + pair.target().outFeatures(c));
                NDArray block = w.get(rows);
                NDArray updated = block.getDataType() == DataType.FLOAT32 ? block.add(pair.deltaWeight())
                        : block.toType(DataType.FLOAT32, false).add(pair.deltaWeight()).toType(block.getDataType(), false);
                w.set(rows, updated);
            }
        }
        detach();
    }

    /** Removes the adapters from the model (its base weights compute as before attaching) and frees them. */
    public void detach() {
        if (!attached) {
            return;
        }
        hook(false);
        attached = false;
        ATTACHED.remove(model);
        manager.close();
    }

    /** Same as {@link #detach()}. */
    @Override
    public void close() {
        detach();
    }

    /** True until {@link #merge()} or {@link #detach()}. */
    public boolean isAttached() {
        return attached;
    }

    private void requireAttached() {
        if (!attached) {
            throw new IllegalStateException("the LoRA adapters were merged or detached");
        }
    }

    private void hook(boolean on) {
        QwenConfig c = model.config();
        List<DecoderLayer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            DecoderLayer layer = layers.get(i);
            if (!on) {
                layer.attention().setAdapters(null, null);
                layer.mlp().setAdapters(null, null);
                continue;
            }
            Map<LoraTarget, LoraPair> mine = new EnumMap<>(LoraTarget.class);
            for (LoraPair p : pairs) {
                if (p.layer() == i) {
                    mine.put(p.target(), p);
                }
            }
            layer.attention().setAdapters(adapter(LoraTarget.Fused.QKV, mine, c),
                    adapter(LoraTarget.Fused.O, mine, c));
            layer.mlp().setAdapters(adapter(LoraTarget.Fused.GATE_UP, mine, c),
                    adapter(LoraTarget.Fused.DOWN, mine, c));
        }
    }

    /** The adapter of one runtime matrix, or null when none of its members is a target. */
    private static FusedLoraAdapter adapter(LoraTarget.Fused fused, Map<LoraTarget, LoraPair> mine, QwenConfig c) {
        List<FusedLoraAdapter.Block> blocks = new ArrayList<>();
        boolean any = false;
        for (LoraTarget t : fused.members()) {
            LoraPair p = mine.get(t);
            any |= p != null;
            blocks.add(new FusedLoraAdapter.Block(t.outFeatures(c), p));
        }
        return any ? new FusedLoraAdapter(blocks) : null;
    }
}
