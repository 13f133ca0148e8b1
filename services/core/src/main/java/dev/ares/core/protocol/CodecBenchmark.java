package dev.ares.core.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Benchmark of the binary rollout-group codec (issue 2 item 4; results in docs/benchmarks.md, "Record codecs").
 * Not a test: it prints numbers. For one group of 8 trajectories x 8192 tokens of {@link BenchmarkRollouts} data
 * it warms up, then measures encode and decode (minimum and median ms over the measured iterations; the
 * minimum is the least disturbed by other load on a shared machine), bytes per
 * token without text, and the text bytes; for two sampling settings (untruncated T=1, and T=0.7/top-p 0.95 where
 * the two logprob arrays differ). It also prints the Kafka size budget of a group of 8 x 16384 tokens with
 * ~4 characters of text per token.
 *
 * <p>Run: {@code java -cp <ares-core jar + deps> dev.ares.core.protocol.CodecBenchmark [warmup] [iterations]}.
 */
public final class CodecBenchmark {
    private CodecBenchmark() {
    }

    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        BenchmarkRollouts data = new BenchmarkRollouts(20260101L);
        SamplingParams untruncated = new SamplingParams(1.0, 1.0, 0, 16384, 1, List.of());
        SamplingParams truncated = new SamplingParams(0.7, 0.95, 0, 16384, 1, List.of());
        RecordCodec<RolloutGroup> codec = Codecs.rolloutGroup();
        System.out.printf(Locale.ROOT, "machine: %d cpus, %s, java %s (%s), load average %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.name"), firstLine(Path.of("/proc/loadavg")));
        System.out.printf(Locale.ROOT, "%-34s %8s %8s %8s %8s %12s %10s %10s%n", "case (8 x 8192 tokens)",
                "enc min", "enc med", "dec min", "dec med", "B/tok notext", "text B", "B/tok+text");
        for (boolean isTruncated : new boolean[] {false, true}) {
            SamplingParams sp = isTruncated ? truncated : untruncated;
            RolloutGroup withText = data.group("g-bench", 8, 8192, sp, 4);
            RolloutGroup noText = stripText(withText);
            long tokens = withText.totalTokens();
            long textBytes = 0;
            for (Trajectory t : withText.trajectories()) {
                textBytes += t.text().getBytes(StandardCharsets.UTF_8).length;
            }
            int sizeNoText = codec.encode(noText).length;
            double[] enc = new double[iterations];
            double[] dec = new double[iterations];
            byte[] bytes = null;
            for (int i = 0; i < warmup + iterations; i++) {
                long t0 = System.nanoTime();
                bytes = codec.encode(withText);
                long t1 = System.nanoTime();
                RolloutGroup back = codec.decode(bytes);
                long t2 = System.nanoTime();
                if (i == 0 && !back.equals(withText)) {
                    throw new IllegalStateException("round trip changed the group");
                }
                if (i >= warmup) {
                    enc[i - warmup] = (t1 - t0) / 1e6;
                    dec[i - warmup] = (t2 - t1) / 1e6;
                }
            }
            String name = isTruncated ? "T=0.7 top-p=0.95 (logprobs differ)" : "T=1 untruncated (logprobs equal)";
            System.out.printf(Locale.ROOT, "%-34s %8.2f %8.2f %8.2f %8.2f %12.2f %10d %10.2f%n", name, min(enc),
                    median(enc), min(dec), median(dec), (double) sizeNoText / tokens, textBytes,
                    (double) bytes.length / tokens);
        }
        for (boolean isTruncated : new boolean[] {false, true}) {
            RolloutGroup big = data.group("g-budget", 8, 16384, isTruncated ? truncated : untruncated, 4);
            int size = codec.encode(big).length;
            // Upper bound: the size if zstd gained nothing (e.g. text that does not compress).
            int uncompressed = RolloutGroupWireMapper.toWire(big).getSerializedSize();
            System.out.printf(Locale.ROOT, "Kafka budget, 8 x 16384 tokens + 4 chars/token text, %-16s: encoded %d bytes"
                    + " (%.2f MiB), uncompressed upper bound %d bytes (%.2f MiB)%n",
                    isTruncated ? "T=0.7 top-p=0.95" : "T=1 untruncated", size, size / 1048576.0, uncompressed,
                    uncompressed / 1048576.0);
        }
    }

    private static RolloutGroup stripText(RolloutGroup g) {
        List<Trajectory> ts = g.trajectories().stream()
                .map(t -> new Trajectory(t.trajectoryId(), t.tokenIds(), "", t.sampledLogprobs(), t.modelLogprobs(),
                        t.entropies(), t.triggers(), t.branchParent(), t.branchPosition(), t.finishReason(),
                        t.policyVersion(), t.timings()))
                .toList();
        return new RolloutGroup(g.runId(), g.step(), g.groupsInStep(), g.groupId(), g.requestId(), g.referenceAnswer(), g.source(),
                g.sampling(), g.promptTokenIds(), ts);
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException | UncheckedIOException e) {
            return "unknown CPU (" + e.getMessage() + ")";
        }
    }

    private static String firstLine(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.findFirst().orElse("?");
        } catch (IOException | UncheckedIOException e) {
            return "unavailable";
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }
}
