package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import dev.ares.model.DeviceSpec;
import dev.ares.model.ModelFormatException;
import dev.ares.model.weights.WeightStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Qwen-family causal language model in DJL NDArray operations: token embedding, a stack of
 * {@link DecoderLayer}s, a final RMSNorm and the LM head. The architecture files ({@link Qwen2Model},
 * {@link Qwen3Model}) say how a Hugging Face checkpoint's tensors become these blocks; everything that
 * runs the blocks is here.
 *
 * <p>The same {@link #forward} serves the three uses: a full-sequence pass (no cache; with parameters that
 * require gradients it records autograd), a batched prefill that fills a {@link KvCache}, and one-token
 * decode steps that append to it. Logits come back as float32 whatever the compute dtype.
 *
 * <p>Not thread-safe: run one forward at a time per model (DJL arrays are not shared across threads here).
 */
public abstract class QwenModel implements AutoCloseable {
    /** Additive bias of a masked attention score (exp of it is 0 in float32; finite so fully-masked rows stay finite). */
    static final float MASKED = -1e30f;

    protected final QwenConfig config;
    protected final DeviceSpec device;
    protected final NDManager manager;
    protected final NDArray embed;
    protected final NDArray lmHead;
    protected final NDArray finalNorm;
    protected final List<DecoderLayer> layers;
    protected final RotaryEmbedding rope;
    protected final NDArray eps;

    /** Most positions a RoPE table holds (bounds its memory for models with very long contexts). */
    public static final int MAX_TABULATED_POSITIONS = 131072;

    protected QwenModel(QwenConfig config, DeviceSpec device, NDManager manager, NDArray embed, NDArray lmHead,
                        NDArray finalNorm, List<DecoderLayer> layers, NDArray eps) {
        this.config = config;
        this.device = device;
        this.manager = manager;
        this.embed = embed;
        this.lmHead = lmHead;
        this.finalNorm = finalNorm;
        this.layers = List.copyOf(layers);
        this.eps = eps;
        this.rope = new RotaryEmbedding(manager, config.headDim(), config.ropeTheta(),
                Math.min(config.maxPositionEmbeddings(), MAX_TABULATED_POSITIONS), device.dataType());
    }

    /**
     * Loads a Hugging Face Qwen2 / Qwen2.5 / Qwen3 / Qwen2.5-VL ({@link Qwen25VlModel}) folder
     * ({@code config.json} in either layout, and
     * {@code model.safetensors} or sharded weights with {@code model.safetensors.index.json}).
     *
     * @throws ModelFormatException naming the file and field or tensor when the folder does not describe
     *                              a supported model or its weights do not match the configuration
     */
    public static QwenModel load(Path dir, DeviceSpec device) {
        QwenConfig config = QwenConfig.load(dir);
        return load(dir, config, device);
    }

    /** As {@link #load(Path, DeviceSpec)} with an already-read configuration. */
    public static QwenModel load(Path dir, QwenConfig config, DeviceSpec device) {
        NDManager manager = NDManager.newBaseManager(device.device());
        try (WeightStore weights = WeightStore.open(dir)) {
            return switch (config.modelType()) {
                case "qwen2" -> Qwen2Model.build(config, device, manager, weights);
                case "qwen3" -> Qwen3Model.build(config, device, manager, weights);
                case QwenConfig.QWEN2_5_VL -> Qwen25VlModel.build(config, device, manager, weights);
                default -> throw new ModelFormatException(config.file(), "model_type", "unknown model_type '"
                        + config.modelType() + "'");
            };
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The configuration the model was built from. */
    public QwenConfig config() {
        return config;
    }

    /** Device and compute dtype. */
    public DeviceSpec device() {
        return device;
    }

    /** The manager that owns the weights (create inputs under a sub-manager of it). */
    public NDManager manager() {
        return manager;
    }

    /** The decoder layers, in order (to attach projection adapters such as LoRA). */
    public List<DecoderLayer> layers() {
        return layers;
    }

    /** A new empty cache for {@code batch} rows of {@code capacity} slots, on the model's device. */
    public KvCache newCache(int batch, int capacity) {
        return new KvCache(manager, config.numLayers(), batch, config.numKvHeads(), config.headDim(), capacity,
                device.dataType());
    }

    /**
     * One forward pass.
     *
     * @param inputIds  int64 token ids {@code [B, T]}
     * @param positions int64 RoPE positions {@code [B, T]}
     * @param mask      boolean or integer {@code [B, T]}: nonzero where the input token is real (0 marks padding)
     * @param cache     cache to attend over and to append these T slots to, or null to attend within the call only
     * @param lastOnly  compute logits of the last position only
     * @return float32 logits {@code [B, T, V]} ({@code [B, 1, V]} when {@code lastOnly}); the caller closes them
     */
    public NDArray forward(NDArray inputIds, NDArray positions, NDArray mask, KvCache cache, boolean lastOnly) {
        try (NDScope scope = new NDScope()) {
            NDArray logits = forwardEmbeds(embedTokens(inputIds), positions, mask, cache, lastOnly);
            NDScope.unregister(logits);
            return logits;
        }
    }

    /**
     * The token embeddings of {@code inputIds} ({@code [B, T]} int64) as {@code [B, T, hidden]} in the compute
     * dtype (the input of {@link #forwardEmbeds}; multimodal models overwrite some rows before the pass).
     */
    public NDArray embedTokens(NDArray inputIds) {
        return embed.getNDArrayInternal().embedding(inputIds, embed, ai.djl.ndarray.types.SparseFormat.DENSE)
                .singletonOrThrow();
    }

    /**
     * As {@link #forward} from input embeddings instead of ids.
     *
     * @param inputEmbeds {@code [B, T, hidden]} in the compute dtype
     * @param positions   int64 RoPE positions {@code [B, T]} (or the layout {@link #ropeAngles} of a subclass
     *                    accepts, e.g. {@code [3, B, T]} for multimodal RoPE)
     */
    public NDArray forwardEmbeds(NDArray inputEmbeds, NDArray positions, NDArray mask, KvCache cache,
                                 boolean lastOnly) {
        long b = inputEmbeds.getShape().get(0);
        int t = (int) inputEmbeds.getShape().get(1);
        if (cache != null && cache.batch() != b) {
            throw new IllegalArgumentException("cache has " + cache.batch() + " rows, input has " + b);
        }
        NDArray logits;
        try (NDScope scope = new NDScope()) {
            NDArray valid = mask.getDataType() == DataType.BOOLEAN ? mask : mask.neq(0);
            boolean oneToken = t == 1 && cache != null;
            int offset = 0;
            if (cache != null) {
                cache.require(t);
                offset = cache.length();
                cache.keyMask().set(NDIndex.sliceAxis(1, offset, offset + t), valid);
            }
            NDList angles = ropeAngles(positions);                                     // [B, T, D] each
            ForwardPass pass;
            if (oneToken) {
                // The cache's window views and one bias over them; RoPE as one [D, D] matrix per row. All are
                // built once per step and shared by the layers.
                cache.decodeWindow(offset + 1);
                NDArray bias = cache.windowMask().toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED);
                NDArray rotK = rope.rotationMatrices(angles.get(0), angles.get(1));
                NDArray rotQ = rotK.mul((float) (1.0 / Math.sqrt(config.headDim())));
                pass = new ForwardPass(angles.get(0), angles.get(1), bias, cache, true, rotQ, rotK);
            } else {
                NDArray keyMask = cache == null ? valid : cache.keyMask().get(NDIndex.sliceAxis(1, 0, offset + t));
                pass = new ForwardPass(angles.get(0).expandDims(2), angles.get(1).expandDims(2),
                        attentionBias(keyMask, offset, t), cache, false, null, null);
            }
            // One-token steps carry the residual stream as [B, hidden] (the layers fuse residual additions into
            // their projections, which needs 2-D operands).
            NDArray x = oneToken ? inputEmbeds.reshape(b, config.hiddenSize()) : inputEmbeds;
            for (int i = 0; i < layers.size(); i++) {
                x = layers.get(i).forward(x, pass, i);
            }
            if (lastOnly && t > 1) {
                x = x.get(new NDIndex(":, {}:", t - 1));
            }
            x = RmsNorm.apply(x, finalNorm, eps);
            logits = Linear.linear(x, lmHead).singletonOrThrow();
            if (oneToken) {
                logits = logits.reshape(b, 1, config.vocabSize());
            }
            if (logits.getDataType() != DataType.FLOAT32) {
                logits = logits.toType(DataType.FLOAT32, false);
            }
            NDScope.unregister(logits);
        }
        if (cache != null) {
            NDArray last = cachePositions(positions);
            cache.commit(t, last);
            if (last != positions) {
                last.close();
            }
        }
        return logits;
    }

    /**
     * RoPE cosines and signed sines {@code [B, T, headDim]} for the {@code positions} given to
     * {@link #forwardEmbeds}; models with another position layout override this.
     */
    protected NDList ropeAngles(NDArray positions) {
        return rope.angles(positions);
    }

    /**
     * The {@code [B, T]} positions whose last column plus one becomes each cache row's next position;
     * models with another position layout override this (the caller closes a result that is a new array).
     */
    protected NDArray cachePositions(NDArray positions) {
        return positions;
    }

    /**
     * {@code [B, 1, 1, T, S]} float32: 0 where query {@code i} (cache slot {@code offset + i}) may see key slot
     * {@code j} (that is {@code j <= offset + i} and the key is real), {@link #MASKED} elsewhere.
     */
    private NDArray attentionBias(NDArray keyMask, int offset, int t) {
        long b = keyMask.getShape().get(0);
        long s = keyMask.getShape().get(1);
        NDArray allowed = keyMask.expandDims(1);                                       // [B, 1, S]
        if (t > 1 || offset + t != s) {
            NDManager m = keyMask.getManager();
            NDArray keyIdx = m.arange(0, (int) s).expandDims(0);                       // [1, S]
            NDArray qIdx = m.arange(offset, offset + t).expandDims(1);                 // [T, 1]
            allowed = allowed.logicalAnd(keyIdx.lte(qIdx).expandDims(0));             // [B, T, S]
        }
        NDArray bias = allowed.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED);
        return bias.reshape(new Shape(b, 1, 1, bias.getShape().get(1), s));
    }

    /**
     * The trainable arrays by name, for an optimiser and for autograd ({@code setRequiresGradient}). Fused
     * arrays carry fused names ({@code model.layers.N.self_attn.qkv_proj.weight} = q, k, v rows;
     * {@code model.layers.N.mlp.gate_up_proj.weight} = gate, up rows). A tied LM head appears once, as the
     * embedding. Qwen3's q/k norm gains are left out: they are stored repeated per head, and training them
     * there would untie the heads.
     */
    public java.util.Map<String, NDArray> parameters() {
        java.util.Map<String, NDArray> p = new java.util.LinkedHashMap<>();
        p.put("model.embed_tokens.weight", embed);
        for (int i = 0; i < layers.size(); i++) {
            DecoderLayer l = layers.get(i);
            String n = "model.layers." + i + ".";
            p.put(n + "input_layernorm.weight", l.inputNorm);
            p.put(n + "self_attn.qkv_proj.weight", l.attention.qkv);
            if (l.attention.qkvBias != null) {
                p.put(n + "self_attn.qkv_proj.bias", l.attention.qkvBias);
            }
            p.put(n + "self_attn.o_proj.weight", l.attention.out);
            p.put(n + "post_attention_layernorm.weight", l.postAttentionNorm);
            p.put(n + "mlp.gate_up_proj.weight", l.mlp.gateUp);
            p.put(n + "mlp.down_proj.weight", l.mlp.down);
        }
        p.put("model.norm.weight", finalNorm);
        if (lmHead != embed) {
            p.put("lm_head.weight", lmHead);
        }
        return p;
    }

    /** The RMSNorm epsilon as a one-element float32 array owned by {@code m}. */
    protected static NDArray epsArray(NDManager m, QwenConfig c) {
        return m.create(new float[] {(float) c.rmsNormEps()});
    }

    /** Positions the model can encode (the RoPE table size). */
    public int maxPositions() {
        return rope.maxPositions();
    }

    /** Loads one tensor in the compute dtype with the shape the configuration implies. */
    protected static NDArray tensor(WeightStore w, NDManager m, DeviceSpec d, String name, long... shape) {
        return w.load(name, m, d.dataType(), shape);
    }

    /** Concatenates along axis 0 and closes the parts (fused projections). */
    protected static NDArray fuse(NDArray... parts) {
        NDArray out = ai.djl.ndarray.NDArrays.concat(new NDList(parts), 0);
        for (NDArray p : parts) {
            p.close();
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
