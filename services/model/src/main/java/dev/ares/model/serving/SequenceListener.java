package dev.ares.model.serving;

import dev.ares.core.protocol.FinishReason;

/**
 * Events of one request in a {@link BatchScheduler}, called in order on the scheduler thread; implementations must
 * return quickly (hand work to another thread). A listener that throws has its request cancelled.
 */
public interface SequenceListener {
    /** The prompt was prefilled and the request joined the running batch. */
    void onStart();

    /**
     * Choice {@code choice} produced {@code token}.
     *
     * @param textDelta text that became final with it (see {@link IncrementalText}); empty for an end-of-sequence token
     */
    void onToken(int choice, SampledToken token, String textDelta);

    /**
     * Choice {@code choice} ended.
     *
     * @param textDelta the text not yet delivered by {@link #onToken}
     * @param text      the whole text of the choice (a stop string and an end-of-sequence token excluded)
     */
    void onFinish(int choice, FinishReason reason, String textDelta, String text);

    /** Every choice ended; the last event of a successful request. */
    void onComplete();

    /** The request was refused or failed; the last event. */
    void onError(RuntimeException error);
}
