package dev.ares.model.bench;

import ai.djl.engine.Engine;
import dev.ares.core.trigger.TriggerTable;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.model.DeviceSpec;
import dev.ares.model.generation.BranchGroup;
import dev.ares.model.generation.BranchedSample;
import dev.ares.model.generation.BranchingGenerator;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.generation.HweWindow;
import dev.ares.model.qwen.QwenModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Rollout throughput of {@link BranchingGenerator} on the demo model (docs/rollout.md, docs/benchmarks.md): groups
 * of 8 trajectories of exactly 64 new tokens (temperature 1, no EOS) after a 32-token prompt, in {@code iid} mode and
 * in {@code hwe-branch} mode (budget 4; threshold 0, so every trigger with a complete window branches until the
 * budget is spent, and +Infinity, so none does), and 4 groups in one batch against the same 4 groups one after the
 * other. The demo model has no tokenizer: token ids divisible by 10 are the triggers (10% of the vocabulary). Cases are
 * interleaved in rounds (so a change of load hits all alike); best of {@link #RUNS} rounds after {@link #WARMUP}
 * untimed one. Prints one JSON object per case: wall seconds, trajectory
 * tokens per second (every token of every published trajectory, a branch's copied prefix included), sampled tokens per
 * second (tokens the sampler drew for published trajectories) and branches.
 *
 * <p>Usage: {@code RolloutBench [--threads N]}.
 */
public final class RolloutBench {
    static final int WARMUP = 1;
    static final int RUNS = 5;
    static final int N = 8;
    static final int NEW = 64;
    static final int PROMPT = 32;

    private RolloutBench() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            if ("--threads".equals(args[i])) {
                threads = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Engine.getInstance();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        ai.djl.pytorch.jni.JniUtils.setNumInteropThreads(1);
        Path dir = DemoModel.write(Files.createTempDirectory("ares-demo-model"));
        String[] vocab = new String[DemoModel.VOCAB];
        for (int i = 0; i < vocab.length; i++) {
            vocab[i] = i % 10 == 0 ? "wait" : "t" + i;
        }
        TriggerTable triggers = TriggerTable.build(vocab, TriggerVocabulary.of(List.of("wait"), "bench"));
        try (QwenModel model = QwenModel.load(dir, DeviceSpec.cpu())) {
            BranchingGenerator g = new BranchingGenerator(model, null);
            int[][] prompts = new int[4][];
            Random rnd = new Random(7);
            for (int k = 0; k < 4; k++) {
                prompts[k] = new int[PROMPT];
                for (int t = 0; t < PROMPT; t++) {
                    prompts[k][t] = 9 + rnd.nextInt(DemoModel.VOCAB - 9);
                }
            }
            List<String> names = new ArrayList<>();
            List<List<List<BranchGroup>>> cases = new ArrayList<>();
            names.add("iid 1x8");
            cases.add(List.of(List.of(BranchGroup.iid(prompts[0], N, 1))));
            names.add("hwe-branch 1x8 budget 4 tau 0");
            cases.add(List.of(List.of(new BranchGroup(prompts[0], N, 4, 0.0, 1))));
            names.add("hwe-branch 1x8 budget 4 tau inf");
            cases.add(List.of(List.of(new BranchGroup(prompts[0], N, 4, Double.POSITIVE_INFINITY, 1))));
            List<BranchGroup> four = new ArrayList<>();
            List<List<BranchGroup>> oneByOne = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                four.add(new BranchGroup(prompts[k], N, 4, 0.0, k + 1));
                oneByOne.add(List.of(four.get(k)));
            }
            names.add("hwe-branch 4x8 one batch");
            cases.add(List.of(four));
            names.add("hwe-branch 4x8 one group per batch");
            cases.add(oneByOne);
            // rounds interleave the cases, so a load change on the machine hits every case alike
            double[] best = new double[cases.size()];
            java.util.Arrays.fill(best, Double.MAX_VALUE);
            long[][] counts = new long[cases.size()][];
            for (int round = 0; round < WARMUP + RUNS; round++) {
                for (int c = 0; c < cases.size(); c++) {
                    long t0 = System.nanoTime();
                    counts[c] = run(g, triggers, cases.get(c));
                    double sec = (System.nanoTime() - t0) / 1e9;
                    if (round >= WARMUP) {
                        best[c] = Math.min(best[c], sec);
                    }
                }
            }
            for (int c = 0; c < cases.size(); c++) {
                System.out.println(String.format(Locale.ROOT, "{\"case\":\"%s\",\"seconds\":%.3f,"
                        + "\"trajectory_tok_s\":%.1f,\"sampled_tok_s\":%.1f,\"trajectory_tokens\":%d,"
                        + "\"sampled_tokens\":%d,\"branches\":%d}", names.get(c), best[c], counts[c][0] / best[c],
                        counts[c][1] / best[c], counts[c][0], counts[c][1], counts[c][2]));
            }
        }
    }

    /** Runs the batches in order; returns {trajectory tokens, sampled tokens, branches}. */
    static long[] run(BranchingGenerator g, TriggerTable triggers, List<List<BranchGroup>> batches) {
        long all = 0;
        long own = 0;
        long branches = 0;
        for (List<BranchGroup> batch : batches) {
            for (List<BranchedSample> group : g.generate(batch, GenerationParams.sampled(NEW, 1.0, 0), triggers,
                    HweWindow.codeDefault())) {
                for (BranchedSample s : group) {
                    all += s.result().ids().length;
                    own += s.result().ids().length - Math.max(0, s.branchPosition());
                    branches += s.isBranch() ? 1 : 0;
                }
            }
        }
        return new long[] {all, own, branches};
    }
}
