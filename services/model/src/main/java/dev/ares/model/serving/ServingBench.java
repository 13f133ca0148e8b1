package dev.ares.model.serving;

import dev.ares.core.protocol.FinishReason;
import dev.ares.model.DeviceSpec;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.qwen.QwenModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load benchmark of continuous batching (docs/benchmarks.md): closed-loop clients (each sends its next request when
 * the previous one finished) at concurrency 1, 4 and 16 against a {@link BatchScheduler} of batch size 16, and the
 * same 16 clients against batch size 1 (sequential serving). Prints requests/s, generated tokens/s and the p50/p99
 * request latency per level. In-process: the HTTP layer is not measured here.
 *
 * <p>Usage: {@code ServingBench MODEL_DIR [requestsPerLevel=64] [maxTokens=32]}.
 */
public final class ServingBench {
    private ServingBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ServingBench MODEL_DIR [requestsPerLevel] [maxTokens]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int maxTokens = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        try (QwenModel model = QwenModel.load(dir, DeviceSpec.cpu())) {
            System.out.printf("model %s, %d requests per level, %d tokens each (no EOS stop), %d cores%n", dir, requests, maxTokens,
                    Runtime.getRuntime().availableProcessors());
            run(model, 16, 16, Math.min(requests, 16), maxTokens, true);                       // warm-up
            for (int c : new int[] {1, 4, 16}) {
                run(model, 16, c, requests, maxTokens, false);
            }
            run(model, 1, 16, requests, maxTokens, false);
        }
    }

    private static void run(QwenModel model, int batch, int clients, int requests, int maxTokens, boolean warmup)
            throws Exception {
        SchedulerLimits limits = new SchedulerLimits(batch, 4 * requests, Duration.ofMinutes(10), 1);
        AtomicInteger next = new AtomicInteger();
        AtomicLong tokens = new AtomicLong();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        try (BatchScheduler s = new BatchScheduler(model, ids -> "", Set.of(), limits, System::nanoTime, "bench")) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            long start = System.nanoTime();
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                loops.add(CompletableFuture.runAsync(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests) {
                        int[] prompt = new int[16 + i % 16];
                        for (int t = 0; t < prompt.length; t++) {
                            prompt[t] = 10 + (i * 31 + t * 7) % 300;
                        }
                        long t0 = System.nanoTime();
                        CountDownLatch done = new CountDownLatch(1);
                        AtomicInteger got = new AtomicInteger();
                        s.submit(prompt, new GenerationParams(maxTokens, 1.0, 1.0, 0, i, Set.of(), List.of(), 0), 1,
                                new SequenceListener() {
                                    public void onStart() {
                                    }

                                    public void onToken(int choice, SampledToken token, String textDelta) {
                                        got.incrementAndGet();
                                    }

                                    public void onFinish(int choice, FinishReason reason, String textDelta, String text) {
                                    }

                                    public void onComplete() {
                                        done.countDown();
                                    }

                                    public void onError(RuntimeException error) {
                                        done.countDown();
                                    }
                                });
                        try {
                            if (!done.await(10, TimeUnit.MINUTES)) {
                                throw new IllegalStateException("request " + i + " did not finish in 10 minutes");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        tokens.addAndGet(got.get());
                        latencies.add(System.nanoTime() - t0);
                    }
                }, pool));
            }
            CompletableFuture.allOf(loops.toArray(new CompletableFuture[0])).get(30, TimeUnit.MINUTES);
            pool.shutdown();
            double secs = (System.nanoTime() - start) / 1e9;
            if (warmup) {
                return;
            }
            long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("batch %2d, clients %2d: %6.1f req/s, %7.1f tok/s, latency p50 %7.1f ms, p99 %7.1f ms%n", batch, clients,
                    l.length / secs, tokens.get() / secs, pct(l, 0.50) / 1e6, pct(l, 0.99) / 1e6);
        }
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
