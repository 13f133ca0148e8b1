package dev.ares.core.protocol;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded generators of valid protocol records covering edge cases (empty arrays, branches, unicode, odd floats). */
final class RandomRecords {
    private static final String[] TEXTS = {"", "x", "Let's think step by step.", "答案是 42 ✓", "\\boxed{3/4}",
        "line1\nline2\t\"quoted\"", "emoji 🧮 and \u0000 nul"};
    private static final float[] ODD_LOGPROBS = {-0.0f, 0.0f, -Float.MIN_VALUE, -1e-38f, -Float.MAX_VALUE, -1e-7f};

    private final SplittableRandom rnd;

    RandomRecords(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    String id(String prefix) {
        return prefix + "-" + Long.toHexString(rnd.nextLong());
    }

    String text() {
        if (rnd.nextInt(4) == 0) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(200);
            for (int i = 0; i < n; i++) {
                sb.appendCodePoint(rnd.nextInt(3) == 0 ? 0x4E00 + rnd.nextInt(500) : 0x20 + rnd.nextInt(95));
            }
            return sb.toString();
        }
        return TEXTS[rnd.nextInt(TEXTS.length)];
    }

    SamplingParams sampling() {
        List<String> stop = new ArrayList<>();
        for (int i = rnd.nextInt(3); i > 0; i--) {
            stop.add(i == 1 ? "</answer>" : "\n\nUser:");
        }
        double topP = rnd.nextBoolean() ? 1.0 : 0.05 + 0.95 * rnd.nextDouble();
        return new SamplingParams(0.05 + 1.5 * rnd.nextDouble(), topP, rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(100),
                1 + rnd.nextInt(20000), rnd.nextLong(), stop);
    }

    Prompt prompt() {
        List<ChatMessage> messages = new ArrayList<>();
        if (rnd.nextBoolean()) {
            messages.add(new ChatMessage("system", "You are a helpful assistant."));
        }
        messages.add(new ChatMessage("user", text()));
        List<String> images = new ArrayList<>();
        for (int i = rnd.nextInt(3); i > 0; i--) {
            images.add("blob:sha256:" + String.format("%064x", rnd.nextLong() & Long.MAX_VALUE));
        }
        Double prior = rnd.nextBoolean() ? null : rnd.nextDouble();
        return new Prompt(messages, images, rnd.nextBoolean() ? "42" : "", "synthetic/arith", prior);
    }

    RolloutRequest rolloutRequest() {
        int n = 1 + rnd.nextInt(16);
        ExplorationMode mode = rnd.nextBoolean() ? ExplorationMode.IID : ExplorationMode.HWE_BRANCH;
        int budget = mode == ExplorationMode.IID ? 0 : rnd.nextInt(n);
        return new RolloutRequest(id("req"), id("grp"), id("run"), rnd.nextInt(100_000), 1 + rnd.nextInt(512),
                rnd.nextInt(1000), prompt(), n, sampling(), mode, budget, 3.0 * rnd.nextDouble(), rnd.nextInt(5));
    }

    float logprob() {
        int pick = rnd.nextInt(10);
        if (pick == 0) {
            return ODD_LOGPROBS[rnd.nextInt(ODD_LOGPROBS.length)];
        }
        return (float) -(rnd.nextDouble() * (pick < 7 ? 0.1 : 20.0));
    }

    Trajectory trajectory(String id, String parent, int parentLength) {
        int t = rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(300);
        int[] ids = new int[t];
        float[] sampled = new float[t];
        float[] model = new float[t];
        float[] entropies = new float[t];
        boolean[] triggers = new boolean[t];
        boolean same = rnd.nextBoolean();
        for (int i = 0; i < t; i++) {
            ids[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(Integer.MAX_VALUE) : rnd.nextInt(151_643);
            sampled[i] = logprob();
            model[i] = same ? sampled[i] : (rnd.nextInt(50) == 0 ? Float.NEGATIVE_INFINITY : logprob());
            entropies[i] = rnd.nextInt(20) == 0 ? 0.0f : (float) (rnd.nextDouble() * 11.9);
            triggers[i] = rnd.nextInt(30) == 0;
        }
        int position = parent == null ? -1 : rnd.nextInt(Math.min(t, parentLength) + 1);
        FinishReason reason = FinishReason.values()[rnd.nextInt(FinishReason.values().length)];
        return new Trajectory(id, ids, text(), sampled, model, entropies, triggers, parent, position, reason,
                rnd.nextInt(100), new Timings(rnd.nextInt(100_000), rnd.nextInt(4096), t));
    }

    RolloutGroup rolloutGroup(String runId, String groupId) {
        int n = 1 + rnd.nextInt(8);
        List<Trajectory> trajectories = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Trajectory parent = i > 0 && rnd.nextInt(3) == 0 ? trajectories.get(rnd.nextInt(i)) : null;
            trajectories.add(trajectory(groupId + "/t" + i, parent == null ? null : parent.trajectoryId(),
                    parent == null ? 0 : parent.length()));
        }
        int[] prompt = new int[rnd.nextInt(64)];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = rnd.nextInt(151_643);
        }
        return new RolloutGroup(runId, rnd.nextInt(100_000), 1 + rnd.nextInt(512), groupId, id("req"), rnd.nextBoolean() ? "42" : "",
                "synthetic/arith", sampling(), prompt, trajectories);
    }

    RolloutGroup rolloutGroup() {
        return rolloutGroup(id("run"), id("grp"));
    }

    ScoredBatch scoredBatch() {
        String runId = id("run");
        List<ScoredGroup> groups = new ArrayList<>();
        for (int g = rnd.nextInt(4); g > 0; g--) {
            RolloutGroup rollout = rolloutGroup(runId, id("grp"));
            List<TrajectoryScore> scores = new ArrayList<>();
            int correct = 0;
            for (Trajectory t : rollout.trajectories()) {
                List<WindowSpan> windows = new ArrayList<>();
                if (t.length() > 2) {
                    for (int w = rnd.nextInt(3); w > 0; w--) {
                        int start = rnd.nextInt(t.length() - 1);
                        windows.add(new WindowSpan(start, start + 1 + rnd.nextInt(t.length() - start)));
                    }
                }
                double accuracy = rnd.nextBoolean() ? 1.0 : 0.0;
                correct += (int) accuracy;
                scores.add(new TrajectoryScore(t.trajectoryId(), accuracy, rnd.nextBoolean() ? 1.0 : 0.0,
                        windows.size(), windows, rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()));
            }
            double passRate = (double) correct / rollout.trajectories().size();
            Bucket bucket = passRate > 2.0 / 3 ? Bucket.EASY : passRate > 1.0 / 3 ? Bucket.MEDIUM : Bucket.HARD;
            groups.add(new ScoredGroup(rollout.groupId(), passRate, bucket, rnd.nextBoolean(), scores, rollout));
        }
        Map<Bucket, Double> targets = new EnumMap<>(Bucket.class);
        for (Bucket b : Bucket.values()) {
            if (rnd.nextBoolean()) {
                targets.put(b, rnd.nextGaussian());
            }
        }
        return new ScoredBatch(runId, rnd.nextInt(100_000), groups,
                new BatchStats(rnd.nextDouble() * 3, targets, metrics()), rnd.nextBoolean());
    }

    Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = rnd.nextInt(6); i > 0; i--) {
            double v = switch (rnd.nextInt(8)) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> -0.0;
                case 3 -> Double.MIN_VALUE;
                default -> rnd.nextGaussian() * 1e3;
            };
            m.put("metric/" + rnd.nextInt(50), v);
        }
        return m;
    }

    CheckpointEvent checkpointEvent() {
        long version = 1 + rnd.nextInt(1000);
        boolean lora = rnd.nextBoolean();
        return new CheckpointEvent("qwen2-tiny", version, rnd.nextInt(100_000), "file:///data/ckpt/v" + version + "/",
                lora ? CheckpointKind.LORA : CheckpointKind.FULL, lora ? (long) rnd.nextInt((int) version) : null,
                String.format("%016x%016x%016x%016x", rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong()),
                metrics());
    }

    Instant instant() {
        return Instant.ofEpochSecond(1_700_000_000L + rnd.nextInt(100_000_000), rnd.nextInt(1_000_000_000));
    }

    TrainEvent trainEvent() {
        return new TrainEvent(id("run"), rnd.nextInt(100_000), metrics(), instant());
    }

    DeadLetter deadLetter() {
        byte[] key = rnd.nextBoolean() ? null : bytes(rnd.nextInt(20));
        byte[] value = rnd.nextInt(5) == 0 ? null : bytes(rnd.nextInt(500));
        return new DeadLetter(key, value, "dev.ares.core.protocol.RecordFormatException", text(), "ares.rollouts",
                rnd.nextInt(12), rnd.nextLong() & Long.MAX_VALUE, instant());
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }
}
