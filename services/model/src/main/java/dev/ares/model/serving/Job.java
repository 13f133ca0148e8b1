package dev.ares.model.serving;

import dev.ares.core.protocol.FinishReason;
import dev.ares.model.generation.GenerationParams;
import dev.ares.model.vision.ImageFeatures;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One submitted request inside a {@link BatchScheduler}: its prompt, parameters, listener and state, and the
 * per-sequence state of its choices ({@link Row}), which turns each sampled token into the listener's events (text
 * delta, stop and length rules, finish, completion).
 */
final class Job implements BatchScheduler.Ticket {
    private static final System.Logger LOG = System.getLogger(Job.class.getName());
    /** The stream offset of choice {@code i}: the same per-sequence seeds as {@link dev.ares.model.generation.Generator}. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    final int[] prompt;
    /** The prompt's processed images in the order of its image-pad runs, or null for a text prompt. */
    final ImageFeatures images;
    final GenerationParams params;
    final int n;
    final SequenceListener listener;
    final long enqueuedAt;
    private final Runnable onCancel;
    volatile boolean cancelled;
    int unfinished;
    boolean failed;

    /**
     * @param onCancel   wakes the scheduler when the request is cancelled
     * @param prompt     token ids (owned by the job)
     * @param images     the prompt's images (one per image-pad run, in order), or null
     * @param enqueuedAt queue-entry time on the scheduler's clock (ns)
     */
    Job(Runnable onCancel, int[] prompt, ImageFeatures images, GenerationParams params, int n, SequenceListener listener,
        long enqueuedAt) {
        this.onCancel = onCancel;
        this.prompt = prompt;
        this.images = images;
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
            onCancel.run();
        }
    }

    /** True when the job gets no more events (cancelled by the client or a listener, or failed). */
    boolean gone() {
        return cancelled || failed;
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

    /** Runs a listener call unless the job is gone; a throwing listener cancels its request. */
    boolean safe(Runnable call) {
        if (gone()) {
            return false;
        }
        try {
            call.run();
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a request listener failed; cancelling the request: " + e);
            cancelled = true;
            return false;
        }
    }

    /** Ends the job with an error event, unless it is already gone. */
    void fail(RuntimeException e) {
        if (gone()) {
            return;
        }
        failed = true;
        try {
            listener.onError(e);
        } catch (RuntimeException ignored) {
            LOG.log(System.Logger.Level.WARNING, "a request listener failed in onError: " + ignored);
        }
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

        /**
         * Takes the token sampled for this row: it becomes the row's next input, its text delta goes to the listener,
         * and an end-of-sequence token, a stop string or {@code maxNewTokens} ends the choice ({@code onFinish}; the
         * request's last choice also {@code onComplete}).
         */
        void deliver(SampledToken token) {
            generated++;
            lastToken = token.id();
            String delta = token.eos() ? "" : text.append(token.id());
            FinishReason finish = token.eos() ? FinishReason.EOS : text.stopped() ? FinishReason.STOP_SEQUENCE
                    : generated >= job.params.maxNewTokens() ? FinishReason.LENGTH : null;
            if (!job.safe(() -> job.listener.onToken(choice, token, delta)) || finish == null) {
                return;
            }
            done = true;
            String rest = text.flush();
            String all = text.finish();
            if (job.safe(() -> job.listener.onFinish(choice, finish, rest, all)) && --job.unfinished == 0) {
                job.safe(job.listener::onComplete);
            }
        }
    }
}
