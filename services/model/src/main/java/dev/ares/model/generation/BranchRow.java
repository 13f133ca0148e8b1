package dev.ares.model.generation;

import dev.ares.core.protocol.FinishReason;
import dev.ares.core.trigger.WordTriggerMatcher;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Host-side state of one batch row of {@link BranchingGenerator}: the trajectory of one group slot. */
final class BranchRow {
    final int group;
    final int slot;
    /** True for committed roots, the only rows whose triggers may open branches. */
    final boolean root;
    final int[] ids;
    final float[] sampled;
    final float[] model;
    final float[] entropy;
    /** Word-level trigger flags; the flag of token k is final once token k + 1 is added (or at the end). */
    final boolean[] trigger;
    private final WordTriggerMatcher matcher;
    int n;
    FinishReason finish;
    SplittableRandom rng;
    int parent = -1;
    int branchPosition = -1;

    BranchRow(int group, int slot, boolean root, int max, SplittableRandom rng, WordTriggerMatcher matcher) {
        this.group = group;
        this.slot = slot;
        this.root = root;
        this.ids = new int[max];
        this.sampled = new float[max];
        this.model = new float[max];
        this.entropy = new float[max];
        this.trigger = new boolean[max];
        this.rng = rng;
        this.matcher = matcher;
    }

    void add(TokenSampler.Step s, int row) {
        ids[n] = s.ids()[row];
        sampled[n] = s.sampledLogprobs()[row];
        model[n] = s.modelLogprobs()[row];
        entropy[n] = s.entropies()[row];
        matcher.push(ids[n], trigger, n);
        n++;
    }

    /** Restarts this row as a branch of {@code src} keeping its tokens {@code [0, keep)}. */
    void becomeBranchOf(BranchRow src, int keep, SplittableRandom stream) {
        System.arraycopy(src.ids, 0, ids, 0, keep);
        System.arraycopy(src.sampled, 0, sampled, 0, keep);
        System.arraycopy(src.model, 0, model, 0, keep);
        System.arraycopy(src.entropy, 0, entropy, 0, keep);
        // replay the kept prefix: the flag of its last token depends on what follows it, which is resampled here
        Arrays.fill(trigger, false);
        matcher.reset();
        for (int k = 0; k < keep; k++) {
            matcher.push(ids[k], trigger, k);
        }
        n = keep;
        finish = null;
        rng = stream;
        parent = src.slot;
        branchPosition = keep;
    }

    BranchedSample result() {
        matcher.finish(trigger); // the response end completes an open word (idempotent)
        GenerationResult r = new GenerationResult(Arrays.copyOf(ids, n), Arrays.copyOf(sampled, n),
                Arrays.copyOf(model, n), Arrays.copyOf(entropy, n), java.util.Collections.nCopies(n, new TokenAlternative[0]),
                finish == null ? FinishReason.LENGTH : finish);
        return new BranchedSample(r, Arrays.copyOf(trigger, n), parent, branchPosition);
    }
}
