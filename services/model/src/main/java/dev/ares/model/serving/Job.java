package dev.ares.model.serving;

import dev.ares.model.generation.GenerationParams;
import java.util.SplittableRandom;
import java.util.function.Function;

/** One submitted request inside a {@link BatchScheduler}: its prompt, parameters, listener and state. */
final class Job implements BatchScheduler.Ticket {
    /** The stream offset of choice {@code i}: the same per-sequence seeds as {@link dev.ares.model.generation.Generator}. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    final int[] prompt;
    final GenerationParams params;
    final int n;
    final SequenceListener listener;
    final long enqueuedAt;
    private final BatchScheduler owner;
    volatile boolean cancelled;
    int unfinished;
    boolean failed;

    Job(BatchScheduler owner, int[] prompt, GenerationParams params, int n, SequenceListener listener, long enqueuedAt) {
        this.owner = owner;
        this.prompt = prompt;
        this.params = params;
        this.n = n;
        this.listener = listener;
        this.enqueuedAt = enqueuedAt;
        this.unfinished = n;
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            owner.wake();
        }
    }

    /** The sequence (one batch row) of choice {@code i}. */
    Row row(int choice, Function<int[], String> decoder) {
        return new Row(this, choice, new SplittableRandom(params.seed() + GOLDEN * (choice + 1)),
                new IncrementalText(decoder, params.stopStrings()), prompt.length);
    }

    /** Sampling parameters that can share one {@link dev.ares.model.generation.TokenSampler} call. */
    record SamplingKey(double temperature, double topP, int topK, int topLogprobs) {
    }

    SamplingKey samplingKey() {
        return new SamplingKey(params.temperature(), params.topP(), params.topK(), params.topLogprobs());
    }

    /** One sequence in the running batch. */
    static final class Row {
        final Job job;
        final int choice;
        final SplittableRandom rng;
        final IncrementalText text;
        /** Slots of the row's cache holding real tokens (prompt plus fed tokens). */
        int used;
        int generated;
        int lastToken;
        boolean done;

        Row(Job job, int choice, SplittableRandom rng, IncrementalText text, int used) {
            this.job = job;
            this.choice = choice;
            this.rng = rng;
            this.text = text;
            this.used = used;
        }

        /** Tokens the row may still feed to the model. */
        int remainingFeeds() {
            return job.params.maxNewTokens() - generated;
        }
    }
}
