package dev.ares.core.verify;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reward verification with a budget (reliability.md §2 item 5 and scenario 8): every call returns within the time
 * budget, whatever the response holds, with {@code correct = false} and a {@link Status} other than {@link Status#OK}
 * when the answer could not be checked. Guards, in order:
 * <ol>
 *   <li>size: a response over {@code maxResponseChars}, or a boxed answer over {@code maxAnswerChars}, is refused
 *       at once ({@link Status#TOO_LARGE});</li>
 *   <li>time: the check ({@link AnswerVerifier#grade} and {@link FormatCheck#check}) runs on one of at most
 *       {@code threads} daemon worker threads (large stacks, so deep nesting does not overflow early); after the
 *       budget the caller gets {@link Status#TIMEOUT} and the worker is interrupted;</li>
 *   <li>errors: a {@link StackOverflowError} or exception inside the check is {@link Status#ERROR}.</li>
 * </ol>
 * The worker pool never grows beyond {@code threads} (no thread leak, however many inputs time out); when every
 * worker is still busy with an earlier, abandoned check (one that ignores interrupts), a call waits for a free
 * worker only within its own budget and then gets {@link Status#TIMEOUT}, so the consumer thread is never held
 * beyond the budget. Thread-safe.
 */
public final class BudgetedVerifier implements AutoCloseable {
    /** Default time budget of one check. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(2);
    /** Default largest response, in chars (a 16k-token response is about 64k chars). */
    public static final int DEFAULT_MAX_RESPONSE_CHARS = 256 * 1024;
    /** Default largest boxed answer, in chars (reference answers are short). */
    public static final int DEFAULT_MAX_ANSWER_CHARS = 1000;
    /** Default number of worker threads. */
    public static final int DEFAULT_THREADS = 4;
    private static final long WORKER_STACK_BYTES = 16L * 1024 * 1024;
    private static final BudgetedVerifier SHARED = new BudgetedVerifier(DEFAULT_BUDGET, DEFAULT_THREADS,
            DEFAULT_MAX_RESPONSE_CHARS, DEFAULT_MAX_ANSWER_CHARS, Checker.REAL);

    /** How a check ended. */
    public enum Status {
        /** Checked within the budget. */
        OK,
        /** Not finished within the budget (or no worker was free). */
        TIMEOUT,
        /** Response or boxed answer above the size limit; not checked. */
        TOO_LARGE,
        /** The check failed (stack overflow, exception). */
        ERROR
    }

    /**
     * @param correct whether the boxed answer matches the reference (false unless {@code status == OK})
     * @param format  whether the response has the expected format (false unless {@code status == OK})
     * @param method  the verdict's method ({@link Verdict#method()}), or the status in lower case
     * @param status  how the check ended
     */
    public record Outcome(boolean correct, boolean format, String method, Status status) {
        static Outcome failed(Status status) {
            return new Outcome(false, false, status.name().toLowerCase(java.util.Locale.ROOT), status);
        }
    }

    /** What is checked on a worker: the real verifier, or a test double. */
    @FunctionalInterface
    public interface Checker {
        /** {@link AnswerVerifier#grade} and {@link FormatCheck#check}. */
        Checker REAL = (response, reference) -> {
            Verdict v = AnswerVerifier.grade(response, reference);
            return new Outcome(v.correct(), FormatCheck.check(response), v.method(), Status.OK);
        };

        /** Checks one response; may be slow or throw, which is what the budget is for. */
        Outcome check(String response, String reference);
    }

    private final long budgetNanos;
    private final int maxResponseChars;
    private final int maxAnswerChars;
    private final Checker checker;
    private final ThreadPoolExecutor pool;
    /** One permit per worker not busy with a check: at most {@code threads} checks exist at any time. */
    private final Semaphore free;
    private final AtomicInteger timeouts = new AtomicInteger();

    /**
     * @param budget           time budget of one check, {@code > 0}
     * @param threads          most worker threads, {@code >= 1}
     * @param maxResponseChars largest response checked, {@code >= 1}
     * @param maxAnswerChars   largest boxed answer checked, {@code >= 1}
     * @param checker          what runs on the workers ({@link Checker#REAL} outside tests)
     */
    public BudgetedVerifier(Duration budget, int threads, int maxResponseChars, int maxAnswerChars, Checker checker) {
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("verification budget must be > 0, got " + budget);
        }
        if (threads < 1 || maxResponseChars < 1 || maxAnswerChars < 1) {
            throw new IllegalArgumentException("threads, maxResponseChars and maxAnswerChars must be >= 1, got "
                    + threads + ", " + maxResponseChars + ", " + maxAnswerChars);
        }
        this.budgetNanos = budget.toNanos();
        this.maxResponseChars = maxResponseChars;
        this.maxAnswerChars = maxAnswerChars;
        this.checker = Objects.requireNonNull(checker, "checker");
        AtomicInteger n = new AtomicInteger();
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        this.free = new Semaphore(threads);
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(group, r, "ares-verify-" + n.incrementAndGet(), WORKER_STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** The process-wide verifier with the defaults, used by the reward step ({@code StepBatchScoring}). */
    public static BudgetedVerifier shared() {
        return SHARED;
    }

    /**
     * Checks a response against a reference answer within the budget.
     *
     * @param response  the model's response text
     * @param reference the reference answer
     * @return the outcome; never throws for any response
     */
    public Outcome check(String response, String reference) {
        if (response != null && response.length() > maxResponseChars) {
            return Outcome.failed(Status.TOO_LARGE);
        }
        long deadline = System.nanoTime() + budgetNanos;
        try {
            if (!free.tryAcquire(budgetNanos, TimeUnit.NANOSECONDS)) {
                timeouts.incrementAndGet();
                return Outcome.failed(Status.TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(Status.TIMEOUT);
        }
        Future<Outcome> f;
        try {
            f = pool.submit(() -> {
                try {
                    Optional<String> boxed = BoxedAnswer.extractLast(response);
                    if (boxed.isPresent() && boxed.get().length() > maxAnswerChars) {
                        return Outcome.failed(Status.TOO_LARGE);
                    }
                    return checker.check(response, reference);
                } finally {
                    free.release();
                }
            });
        } catch (RejectedExecutionException e) {
            free.release();
            return Outcome.failed(Status.ERROR);
        }
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            timeouts.incrementAndGet();
            return Outcome.failed(Status.TIMEOUT);
        } catch (ExecutionException e) {
            return Outcome.failed(Status.ERROR);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return Outcome.failed(Status.TIMEOUT);
        }
    }

    /** Checks that ended in {@link Status#TIMEOUT} so far. */
    public int timeouts() {
        return timeouts.get();
    }

    /** Worker threads alive now (at most the configured number). */
    public int workerThreads() {
        return pool.getPoolSize();
    }

    /** Stops the workers (interrupting running checks). The shared verifier is never closed. */
    @Override
    public void close() {
        if (this != SHARED) {
            pool.shutdownNow();
        }
    }
}
