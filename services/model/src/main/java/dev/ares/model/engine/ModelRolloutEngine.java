package dev.ares.model.engine;

import dev.ares.core.compute.Readiness;
import dev.ares.core.io.ImageBlobs;
import dev.ares.core.compute.RolloutEngine;
import dev.ares.core.protocol.CheckpointEvent;
import dev.ares.core.protocol.ExplorationMode;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.SamplingParams;
import dev.ares.core.protocol.Timings;
import dev.ares.core.protocol.Trajectory;
import dev.ares.model.generation.BranchGroup;
import dev.ares.model.generation.BranchedSample;
import dev.ares.model.generation.BranchingGenerator;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.GenerationResult;
import dev.ares.model.generation.HweWindow;
import dev.ares.model.qwen.Qwen25VlPositions;
import dev.ares.model.vision.ImageFeatures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * rollout-service's compute step on the DJL runtime (architecture.md §4 step 2, §5; docs/rollout.md).
 * {@code iid} requests get {@code n} independent samples (the official code's behaviour); {@code hwe-branch}
 * requests branch at validated HWE triggers with the request's threshold and budget ({@link BranchingGenerator}).
 * {@link #generateAll} puts every request of a batch that shares the sampling parameters (all but the seed) into
 * one decode batch, {@code iid} and {@code hwe-branch} groups alike, at most {@code maxBatchRows} trajectories per
 * batch. Every trajectory carries its token ids, text, behaviour logprobs under the truncated sampling distribution,
 * untruncated logprobs at temperature 1, exact entropies at the sampling temperature, trigger flags of the sampled
 * tokens, branch parent and position, and the policy version that generated it. Trajectory {@code j} of group
 * {@code g} has id {@code g/j}; a branch names its parent by that id.
 *
 * <p>Image prompts (Qwen2.5-VL; docs/rollout.md "Image prompts"): a request whose prompt has {@code imageRefs} is
 * one user turn whose text holds an EasyR1 {@code <image>} placeholder per image (or none). Each reference is read
 * from the blob root ({@code ares.blobs.root}) by {@link ImageBlobs#read}, which checks the content hash; the
 * images are processed with the policy's {@code preprocessor_config.json}, the prompt's image-pad runs expanded,
 * and the group is prefilled with its images ({@link BranchingGenerator}, M-RoPE), in a decode batch with any other
 * groups of the same sampling parameters, text or image, {@code iid} or {@code hwe-branch}. A reference that is
 * missing, malformed, outside the root or whose content does not match its hash fails only its request, with an
 * {@link ImageInputException} naming the reference. A prompt whose image pads do not fit its images (e.g. a text
 * prompt whose text spells {@code <|image_pad|>}, which the tokenizer turns into the pad id) fails only its request
 * too ({@link Qwen25VlPositions#checkPrompt}, the check serving makes). {@link RolloutGroup#promptTokenIds()} is the
 * expanded prompt.
 */
public final class ModelRolloutEngine implements RolloutEngine {
    /** Trajectories per decode batch unless configured. */
    public static final int DEFAULT_MAX_BATCH_ROWS = 64;
    private final PolicyHolder policy;
    private final HweWindow window;
    private final int maxBatchRows;
    private final Path blobsRoot;

    /** The code's window (4 tokens after the trigger) and {@link #DEFAULT_MAX_BATCH_ROWS}. */
    public ModelRolloutEngine(PolicyHolder policy) {
        this(policy, HweWindow.codeDefault(), DEFAULT_MAX_BATCH_ROWS);
    }

    /**
     * @param window       the HWE window the branch decision uses; configure it as the reward service scores
     *                     ({@code ares.reward.window}, code or paper placement)
     * @param maxBatchRows most trajectories decoded together, {@code >= 1} (a larger group still runs, alone)
     */
    public ModelRolloutEngine(PolicyHolder policy, HweWindow window, int maxBatchRows) {
        this(policy, window, maxBatchRows, null);
    }

    /**
     * @param window       the HWE window the branch decision uses; configure it as the reward service scores
     * @param maxBatchRows most trajectories decoded together, {@code >= 1} (a larger group still runs, alone)
     * @param blobsRoot    where prompts' image references are resolved ({@code ares.blobs.root}), or null: requests
     *                     with images are then refused (each with an {@link ImageInputException})
     */
    public ModelRolloutEngine(PolicyHolder policy, HweWindow window, int maxBatchRows, Path blobsRoot) {
        if (maxBatchRows < 1) {
            throw new IllegalArgumentException("maxBatchRows must be >= 1, got " + maxBatchRows);
        }
        this.policy = policy;
        this.window = window;
        this.maxBatchRows = maxBatchRows;
        this.blobsRoot = blobsRoot;
    }

    @Override
    public RolloutGroup generate(RolloutRequest request) {
        Outcome o = generateAll(List.of(request)).get(0);
        if (o.error() != null) {
            throw o.error();
        }
        return o.group();
    }

    @Override
    public List<Outcome> generateAll(List<RolloutRequest> requests) {
        return policy.withPolicy(p -> {
            Outcome[] out = new Outcome[requests.size()];
            int[][] prompts = new int[requests.size()][];
            ImageFeatures[] images = new ImageFeatures[requests.size()];
            Map<SamplingParams, List<Integer>> compatible = new LinkedHashMap<>();
            for (int i = 0; i < requests.size(); i++) {
                RolloutRequest r = requests.get(i);
                try {
                    Encoded enc = prompt(p, r);
                    prompts[i] = enc.ids();
                    images[i] = enc.images();
                    SamplingParams sp = r.sampling();
                    SamplingParams key = new SamplingParams(sp.temperature(), sp.topP(), sp.topK(), sp.maxNewTokens(), 0,
                            sp.stop());
                    compatible.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
                } catch (IllegalArgumentException e) {
                    out[i] = new Outcome(null, e);
                }
            }
            for (Map.Entry<SamplingParams, List<Integer>> e : compatible.entrySet()) {
                List<Integer> batch = new ArrayList<>();
                int rows = 0;
                for (int i : e.getValue()) {
                    int n = requests.get(i).n();
                    if (!batch.isEmpty() && rows + n > maxBatchRows) {
                        run(p, e.getKey(), batch, requests, prompts, images, out);
                        batch = new ArrayList<>();
                        rows = 0;
                    }
                    batch.add(i);
                    rows += n;
                }
                run(p, e.getKey(), batch, requests, prompts, images, out);
            }
            return List.of(out);
        });
    }

    /** A request's prompt ids and its processed images (null for a text prompt). */
    private record Encoded(int[] ids, ImageFeatures images) {
    }

    /** The chat-encoded prompt (with its images), checked against the vocabulary and the context. */
    private Encoded prompt(LoadedPolicy p, RolloutRequest r) {
        int[] prompt;
        ImageFeatures features = null;
        if (r.prompt().imageRefs().isEmpty()) {
            prompt = p.encodeChat(r.prompt().messages());
        } else {
            LoadedPolicy.ImagePrompt ip = imagePrompt(p, r);
            prompt = ip.ids();
            features = ip.images();
        }
        for (int t = 0; t < prompt.length; t++) {
            if (prompt[t] < 0 || prompt[t] >= p.vocabSize()) {
                throw new IllegalArgumentException("request " + r.requestId() + ": prompt token " + prompt[t] + " at index "
                        + t + " is outside the vocabulary of " + p.vocabSize());
            }
        }
        try {
            Qwen25VlPositions.checkPrompt(p.model(), prompt, features);
        } catch (IllegalArgumentException e) {
            // a stray image pad (special-token text in a text prompt) must fail this request only, not the batch
            // whose multimodal prefill it would break
            String msg = "request " + r.requestId() + ": the prompt's image pads do not fit its "
                    + r.prompt().imageRefs().size() + " image(s): " + e.getMessage();
            throw r.prompt().imageRefs().isEmpty() ? new IllegalArgumentException(msg, e)
                    : new ImageInputException(r.prompt().imageRefs().get(0), msg, e);
        }
        int context = p.model().config().maxPositionEmbeddings();
        if (prompt.length + r.sampling().maxNewTokens() > context) {
            throw new IllegalArgumentException("request " + r.requestId() + ": prompt of " + prompt.length
                    + " tokens plus max_tokens " + r.sampling().maxNewTokens() + " exceeds the model's context of "
                    + context);
        }
        if (p.triggers().size() < p.vocabSize()) {
            throw new IllegalArgumentException("the trigger table covers " + p.triggers().size() + " ids but the model "
                    + "samples " + p.vocabSize() + ": the tokenizer does not fit the model");
        }
        return new Encoded(prompt, features);
    }

    /** Reads, checks and processes a request's images and encodes its user turn with them. */
    private LoadedPolicy.ImagePrompt imagePrompt(LoadedPolicy p, RolloutRequest r) {
        List<String> refs = r.prompt().imageRefs();
        String first = "request " + r.requestId() + " Prompt.imageRefs[0] " + refs.get(0);
        if (blobsRoot == null) {
            throw new ImageInputException(refs.get(0), first + ": no blob root is configured (ares.blobs.root), so "
                    + "the image cannot be read and the request is refused rather than generated without it");
        }
        if (r.prompt().messages().size() != 1 || !"user".equals(r.prompt().messages().get(0).role())) {
            throw new ImageInputException(refs.get(0), "request " + r.requestId() + ": a prompt with images must be "
                    + "one user turn (its text with an <image> placeholder per image), got "
                    + r.prompt().messages().size() + " message(s)");
        }
        List<byte[]> bytes = new ArrayList<>(refs.size());
        for (int k = 0; k < refs.size(); k++) {
            String field = "request " + r.requestId() + " Prompt.imageRefs[" + k + "]";
            try {
                bytes.add(ImageBlobs.read(blobsRoot, refs.get(k), field));
            } catch (RuntimeException e) {
                // missing file (UncheckedIOException), content not matching its hash (IllegalStateException),
                // malformed or escaping reference (PathRefusedException)
                throw new ImageInputException(refs.get(k), field + " " + refs.get(k) + ": " + e.getMessage(), e);
            }
        }
        try {
            return p.imagePrompt(r.prompt().messages().get(0).content(), bytes);
        } catch (IllegalArgumentException e) {
            throw new ImageInputException(refs.get(0), "request " + r.requestId() + " with images " + refs + ": "
                    + e.getMessage(), e);
        }
    }

    private void run(LoadedPolicy p, SamplingParams shared, List<Integer> batch, List<RolloutRequest> requests,
                     int[][] prompts, ImageFeatures[] images, Outcome[] out) {
        List<BranchGroup> groups = new ArrayList<>(batch.size());
        List<ImageFeatures> groupImages = new ArrayList<>(batch.size());
        boolean anyImages = false;
        for (int i : batch) {
            groupImages.add(images[i]);
            anyImages |= images[i] != null;
            RolloutRequest r = requests.get(i);
            boolean branch = r.explorationMode() == ExplorationMode.HWE_BRANCH;
            groups.add(new BranchGroup(prompts[i], r.n(), branch ? r.branchBudget() : 0,
                    branch ? r.hweThreshold() : Double.POSITIVE_INFINITY, r.sampling().seed()));
        }
        GenerationParams params = GenerationParams.of(shared, p.eosIds());
        long t0 = System.nanoTime();
        List<List<BranchedSample>> samples;
        // one generation at a time per model
        synchronized (p.model()) {
            samples = new BranchingGenerator(p.model(), p::decode).generate(groups, anyImages ? groupImages : null,
                    params, p.triggers(), window);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        for (int k = 0; k < batch.size(); k++) {
            int i = batch.get(k);
            out[i] = new Outcome(group(p, requests.get(i), prompts[i], samples.get(k), millis), null);
        }
    }

    private static RolloutGroup group(LoadedPolicy p, RolloutRequest request, int[] prompt, List<BranchedSample> samples,
                                      long millis) {
        List<Trajectory> trajectories = new ArrayList<>(samples.size());
        for (int j = 0; j < samples.size(); j++) {
            BranchedSample s = samples.get(j);
            GenerationResult r = s.result();
            String parent = s.isBranch() ? request.groupId() + "/" + s.parent() : null;
            trajectories.add(new Trajectory(request.groupId() + "/" + j, r.ids(), p.decode(r.ids()), r.sampledLogprobs(),
                    r.modelLogprobs(), r.entropies(), s.triggers(), parent, s.branchPosition(), r.finishReason(),
                    p.version(), new Timings(millis, prompt.length, r.ids().length)));
        }
        return new RolloutGroup(request.runId(), request.step(), request.groupsInStep(), request.groupId(),
                request.requestId(), request.prompt().referenceAnswer(), request.prompt().source(), request.sampling(),
                Arrays.copyOf(prompt, prompt.length), trajectories, request.n());
    }

    @Override
    public void onCheckpoint(CheckpointEvent event) {
        policy.onCheckpoint(event);
    }

    @Override
    public Readiness readiness() {
        return policy.readiness();
    }
}
