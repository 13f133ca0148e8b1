package dev.ares.core.scoring;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.aepo.ControllerState;
import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.StepScorer;
import dev.ares.core.protocol.BatchStats;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The real compute step of reward-service (architecture.md §4 step 3; aepo-spec §14): assembles the
 * {@link RolloutGroup}s of each (run id, step) and scores a step as one AEPO batch when it holds
 * {@link RolloutGroup#groupsInStep()} distinct groups, or, as a batch flagged {@code partial}, once the straggler
 * timeout has passed since the step's first group arrived. Scoring ({@link StepBatchScoring}) verifies every
 * trajectory's text against the group's reference answer, checks the format, runs
 * {@link dev.ares.core.aepo.AepoScorer#scoreBatch} with the run's carried {@link ControllerState} and builds the
 * {@link ScoredBatch}, whose {@link BatchStats#controllerState()} holds the state the run's next step starts from
 * ({@link ControllerStateMap}); {@link #restore(BatchStats)} reads it back.
 *
 * <p>Bookkeeping: a group of a step already published (complete or partial) is dropped and counted
 * ({@link #droppedLate()}); a group id already held by its open step is ignored and counted
 * ({@link #duplicatesIgnored()}); a group whose {@code groupsInStep} differs from its open step's is rejected with an
 * {@link IllegalArgumentException}. The published steps of each run are remembered exactly for the last
 * {@value #PUBLISHED_MEMORY} steps; a group of a step older than all remembered ones and not open is late too.
 * A step the AEPO library refuses to score (for example, no response long enough for a threshold statistic) is
 * dropped and counted ({@link #failedSteps()}): from {@link #accept} as an {@link IllegalArgumentException} naming
 * the step (the service dead-letters the completing group), from {@link #expire} silently apart from the counter
 * and {@link #lastFailure()}.
 *
 * <p>Controller state is kept per run: a run first seen starts from {@link ControllerState#initial(AepoConfig)},
 * the run of the {@link Resume} from the restored state. Thread-safe: every method locks one monitor (scoring
 * happens under it, since the state carries from step to step).
 */
public final class AepoStepScorer implements StepScorer {
    /** Published steps remembered exactly per run. */
    public static final int PUBLISHED_MEMORY = 4096;

    private final AepoConfig config;
    private final long timeoutMillis;
    private final LongSupplier clockMillis;
    private final Object lock = new Object();
    private final Map<String, ControllerState> stateByRun = new HashMap<>();
    private final Map<StepKey, OpenStep> open = new LinkedHashMap<>();
    private final Map<String, Published> publishedByRun = new HashMap<>();
    private final String readinessReason;
    private long droppedLate;
    private long duplicatesIgnored;
    private long failedSteps;
    private String lastFailure;

    /**
     * Where a restarted or standby scorer continues from: the last published batch of a run.
     *
     * @param runId the run of that batch
     * @param step  its step, treated as already published (its re-delivered groups are late)
     * @param state the controller state after it ({@link #restore(BatchStats)})
     */
    public record Resume(String runId, long step, ControllerState state) {
        /** Checks presence. */
        public Resume {
            Objects.requireNonNull(runId, "Resume.runId");
            Objects.requireNonNull(state, "Resume.state");
            if (step < 0) {
                throw new IllegalArgumentException("Resume.step must be >= 0, got " + step);
            }
        }

        /**
         * @param last the last record on {@code ares.scored}
         * @return the resume point it describes
         * @throws ControllerStateFormatException when its controller state cannot be read
         */
        public static Resume from(ScoredBatch last) {
            return new Resume(last.runId(), last.step(), restore(last.stats()));
        }
    }

    /**
     * @param config           AEPO configuration (code or paper reading, spec §16 defaults)
     * @param stragglerTimeout how long a step may wait for its missing groups after its first group, {@code > 0}
     * @param clockMillis      wall clock in milliseconds, compared with {@link #expire(long)}'s argument
     * @param resume           the restored state, or null for a fresh start
     */
    public AepoStepScorer(AepoConfig config, Duration stragglerTimeout, LongSupplier clockMillis, Resume resume) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(stragglerTimeout, "stragglerTimeout");
        if (stragglerTimeout.isNegative() || stragglerTimeout.isZero()) {
            throw new IllegalArgumentException("stragglerTimeout must be > 0, got " + stragglerTimeout);
        }
        this.timeoutMillis = stragglerTimeout.toMillis();
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
        if (resume == null) {
            readinessReason = "AEPO " + config.reading().name().toLowerCase(java.util.Locale.ROOT)
                    + " scorer, initial controller state";
        } else {
            stateByRun.put(resume.runId(), resume.state());
            published(resume.runId()).add(resume.step());
            readinessReason = "AEPO " + config.reading().name().toLowerCase(java.util.Locale.ROOT)
                    + " scorer, controller state restored from run " + resume.runId() + " step " + resume.step();
        }
    }

    /** A fresh scorer on the system clock. */
    public static AepoStepScorer fresh(AepoConfig config, Duration stragglerTimeout) {
        return new AepoStepScorer(config, stragglerTimeout, System::currentTimeMillis, null);
    }

    /**
     * Reads the controller state back from a published batch's statistics (inverse of the flattening).
     *
     * @param stats the statistics of the last published {@link ScoredBatch}
     * @return the state the next step starts from
     * @throws ControllerStateFormatException when a key is missing, unknown or out of range
     */
    public static ControllerState restore(BatchStats stats) {
        Objects.requireNonNull(stats, "stats");
        return ControllerStateMap.restore(stats.controllerState());
    }

    @Override
    public List<ScoredBatch> accept(RolloutGroup group) {
        Objects.requireNonNull(group, "group");
        synchronized (lock) {
            StepKey key = new StepKey(group.runId(), group.step());
            OpenStep step = open.get(key);
            if (step == null) {
                if (published(group.runId()).contains(group.step())) {
                    droppedLate++;
                    return List.of();
                }
                step = new OpenStep(group.groupsInStep(), clockMillis.getAsLong());
                open.put(key, step);
            } else if (step.expected != group.groupsInStep()) {
                throw new IllegalArgumentException("group " + group.groupId() + " of run " + group.runId() + " step "
                        + group.step() + " says the step has " + group.groupsInStep()
                        + " groups, but the step's first group said " + step.expected);
            }
            if (step.groups.containsKey(group.groupId())) {
                duplicatesIgnored++;
                return List.of();
            }
            step.groups.put(group.groupId(), group);
            if (step.groups.size() < step.expected) {
                return List.of();
            }
            open.remove(key);
            published(key.runId).add(key.step);
            try {
                return List.of(score(key, step, false));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(fail(key, e), e);
            }
        }
    }

    @Override
    public List<ScoredBatch> expire(long nowMillis) {
        synchronized (lock) {
            List<ScoredBatch> out = new ArrayList<>();
            for (Iterator<Map.Entry<StepKey, OpenStep>> it = open.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<StepKey, OpenStep> e = it.next();
                if (nowMillis - e.getValue().firstMillis < timeoutMillis) {
                    continue;
                }
                it.remove();
                published(e.getKey().runId).add(e.getKey().step);
                try {
                    out.add(score(e.getKey(), e.getValue(), true));
                } catch (RuntimeException ex) {
                    fail(e.getKey(), ex);
                }
            }
            return out;
        }
    }

    @Override
    public Set<Long> openSteps() {
        synchronized (lock) {
            Set<Long> steps = new TreeSet<>();
            for (StepKey k : open.keySet()) {
                steps.add(k.step);
            }
            return steps;
        }
    }

    /** Always up: the scorer exists only once its (restored or initial) controller state is known. */
    @Override
    public Readiness readiness() {
        return Readiness.up(readinessReason);
    }

    /** @return groups dropped because their step had already been published */
    public long droppedLate() {
        synchronized (lock) {
            return droppedLate;
        }
    }

    /** @return groups ignored because their open step already held their group id */
    public long duplicatesIgnored() {
        synchronized (lock) {
            return duplicatesIgnored;
        }
    }

    /** @return steps dropped because the AEPO library refused to score them */
    public long failedSteps() {
        synchronized (lock) {
            return failedSteps;
        }
    }

    /** @return the message of the last failed step, or null */
    public String lastFailure() {
        synchronized (lock) {
            return lastFailure;
        }
    }

    /**
     * @param runId a run id
     * @return the controller state the run's next step starts from (initial for a run not seen yet)
     */
    public ControllerState state(String runId) {
        synchronized (lock) {
            return stateByRun.getOrDefault(runId, ControllerState.initial(config));
        }
    }

    /** @return the configuration */
    public AepoConfig config() {
        return config;
    }

    private ScoredBatch score(StepKey key, OpenStep step, boolean partial) {
        ControllerState state = stateByRun.getOrDefault(key.runId, ControllerState.initial(config));
        StepBatchScoring.Outcome outcome = StepBatchScoring.score(key.runId, key.step,
                new ArrayList<>(step.groups.values()), state, config, partial);
        stateByRun.put(key.runId, outcome.next());
        return outcome.batch();
    }

    private String fail(StepKey key, RuntimeException e) {
        failedSteps++;
        lastFailure = "run " + key.runId + " step " + key.step + " could not be scored and was dropped: "
                + e.getMessage();
        return lastFailure;
    }

    private Published published(String runId) {
        return publishedByRun.computeIfAbsent(runId, r -> new Published());
    }

    private record StepKey(String runId, long step) {
    }

    private static final class OpenStep {
        final int expected;
        final long firstMillis;
        final Map<String, RolloutGroup> groups = new LinkedHashMap<>();

        OpenStep(int expected, long firstMillis) {
            this.expected = expected;
            this.firstMillis = firstMillis;
        }
    }

    /** The published steps of one run: the last {@value #PUBLISHED_MEMORY} exactly, older ones by a watermark. */
    private static final class Published {
        final TreeSet<Long> steps = new TreeSet<>();
        long forgottenUpTo = -1;

        void add(long step) {
            steps.add(step);
            while (steps.size() > PUBLISHED_MEMORY) {
                forgottenUpTo = Math.max(forgottenUpTo, steps.pollFirst());
            }
        }

        boolean contains(long step) {
            return step <= forgottenUpTo || steps.contains(step);
        }
    }
}
