package dev.ares.reward;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.StepScorer;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A {@link StepScorer} that is made in the background: a daemon thread calls the factory (which restores the
 * controller state from {@code ares.scored}) until it succeeds, retrying after {@code retryDelay} on failure. Until
 * then {@link #readiness()} is DOWN with the reason (the last failure, if any), so the readiness check never blocks
 * on the broker and the consumer waits ({@code ReadinessWait}) instead of scoring from a wrong state; afterwards
 * every call goes to the made scorer.
 */
final class RestoringStepScorer implements StepScorer, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RestoringStepScorer.class);

    private final Thread worker;
    private volatile StepScorer delegate;
    private volatile String waiting = "restoring the controller state from ares.scored";

    /**
     * @param factory    makes the scorer; may throw, then it is called again
     * @param retryDelay pause between attempts
     */
    RestoringStepScorer(Supplier<? extends StepScorer> factory, Duration retryDelay) {
        worker = new Thread(() -> run(factory, retryDelay), "ares-reward-restore");
        worker.setDaemon(true);
        worker.start();
    }

    private void run(Supplier<? extends StepScorer> factory, Duration retryDelay) {
        for (int attempt = 1; !Thread.currentThread().isInterrupted(); attempt++) {
            try {
                delegate = factory.get();
                return;
            } catch (RuntimeException e) {
                waiting = "restoring the controller state from ares.scored failed (attempt " + attempt + "): "
                        + e.getMessage() + "; retrying every " + retryDelay.toMillis() + " ms";
                LOG.warn(waiting, e);
            }
            try {
                Thread.sleep(retryDelay.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private StepScorer ready() {
        StepScorer d = delegate;
        if (d == null) {
            throw new IllegalStateException("the step scorer is not ready: " + waiting);
        }
        return d;
    }

    @Override
    public List<ScoredBatch> accept(RolloutGroup group) {
        return ready().accept(group);
    }

    @Override
    public List<ScoredBatch> expire(long nowMillis) {
        StepScorer d = delegate;
        return d == null ? List.of() : d.expire(nowMillis);
    }

    @Override
    public Set<Long> openSteps() {
        StepScorer d = delegate;
        return d == null ? Set.of() : d.openSteps();
    }

    @Override
    public Readiness readiness() {
        StepScorer d = delegate;
        return d == null ? Readiness.down(waiting) : d.readiness();
    }

    /** The made scorer, or null while restoring. */
    StepScorer delegate() {
        return delegate;
    }

    /** Stops a restore still in progress. */
    @Override
    public void close() {
        worker.interrupt();
    }
}
