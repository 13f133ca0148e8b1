package dev.ares.model.generation;

import dev.ares.core.protocol.FinishReason;
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
    final boolean[] trigger;
    int n;
    FinishReason finish;
    SplittableRandom rng;
    int parent = -1;
    int branchPosition = -1;

    BranchRow(int group, int slot, boolean root, int max, SplittableRandom rng) {
        this.group = group;
        this.slot = slot;
        this.root = root;
        this.ids = new int[max];
        this.sampled = new float[max];
        this.model = new float[max];
        this.entropy = new float[max];
        this.trigger = new boolean[max];
        this.rng = rng;
    }

    void add(TokenSampler.Step s, int row, boolean isTrigger) {
        ids[n] = s.ids()[row];
        sampled[n] = s.sampledLogprobs()[row];
        model[n] = s.modelLogprobs()[row];
        entropy[n] = s.entropies()[row];
        trigger[n] = isTrigger;
        n++;
    }

    /** Restarts this row as a branch of {@code src} keeping its tokens {@code [0, keep)}. */
    void becomeBranchOf(BranchRow src, int keep, SplittableRandom stream) {
        System.arraycopy(src.ids, 0, ids, 0, keep);
        System.arraycopy(src.sampled, 0, sampled, 0, keep);
        System.arraycopy(src.model, 0, model, 0, keep);
        System.arraycopy(src.entropy, 0, entropy, 0, keep);
        System.arraycopy(src.trigger, 0, trigger, 0, keep);
        n = keep;
        finish = null;
        rng = stream;
        parent = src.slot;
        branchPosition = keep;
    }

    BranchedSample result() {
        GenerationResult r = new GenerationResult(Arrays.copyOf(ids, n), Arrays.copyOf(sampled, n),
                Arrays.copyOf(model, n), Arrays.copyOf(entropy, n), java.util.Collections.nCopies(n, new TokenAlternative[0]),
                finish == null ? FinishReason.LENGTH : finish);
        return new BranchedSample(r, Arrays.copyOf(trigger, n), parent, branchPosition);
    }
}
