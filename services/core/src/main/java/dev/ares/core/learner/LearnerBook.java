package dev.ares.core.learner;

import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The framework-free bookkeeping of the learner (architecture.md §4; reliability.md §2 promises 1–2): the request
 * schedule, the dedupe ledger, the outcome totals, the consumed offsets and the step and policy-version counters.
 * The model side asks it what to train ({@link #triage(ScoredBatch)}), trains, then {@link #commit commits}; a
 * checkpoint stores {@link #state(java.util.Map)} and a restart {@link #restore restores} it.
 *
 * <p>Policy versions: the policy version is the version of the latest checkpoint, the newest policy a rollout can
 * hold; the learner numbers checkpoints by the count of finished steps. A group is stale when a trajectory's
 * version is below {@code policyVersion − maxStaleness}. Not thread-safe: the caller serialises access.
 */
public final class LearnerBook {
    private final ScheduleConfig config;
    private final StepScheduler scheduler;
    private DedupeLedger ledger = new DedupeLedger();
    private Accounting accounting = new Accounting();
    private final Map<Integer, Long> offsets = new HashMap<>();
    private long stepsFinished;
    private long optimizerSteps;

    /** A fresh book for a new run. */
    public LearnerBook(ScheduleConfig config, PromptSource prompts) {
        this.config = config;
        this.scheduler = new StepScheduler(config, prompts);
    }

    /** The schedule. */
    public StepScheduler scheduler() {
        return scheduler;
    }

    /** Requests to publish now (see {@link StepScheduler#next()}). */
    public List<RolloutRequest> nextRequests() {
        return scheduler.next();
    }

    /** Decides the outcome of every group of {@code batch} against the ledger (changes nothing). */
    public Triage triage(ScoredBatch batch) {
        return Triage.of(batch, config.runId(), scheduler.policyVersion(), config.maxStaleness(), ledger, config.n());
    }

    /**
     * Records a processed batch after its optimizer step (or after deciding it had nothing to train): ledger,
     * totals, the consumed offset, the threshold for later requests, and the step's end.
     *
     * @param t              the batch's triage
     * @param optimizerStep  whether an optimizer update was taken
     * @param partition      source partition of the batch, {@code >= 0}
     * @param offset         its offset, {@code >= 0}
     */
    public void commit(Triage t, boolean optimizerStep, int partition, long offset) {
        offsets.merge(partition, offset + 1, Math::max);
        accounting.add(t);
        if (!t.batch().runId().equals(config.runId())) {
            return;
        }
        t.commit(ledger);
        scheduler.observe(t.batch());
        if (scheduler.finish(t.batch().step())) {
            stepsFinished++;
        }
        if (optimizerStep) {
            optimizerSteps++;
        }
    }

    /** Announces a new checkpoint version: later requests carry it, and staleness is measured from it. */
    public void setPolicyVersion(long version) {
        scheduler.setPolicyVersion(version);
    }

    /** One past the last batch consumed from {@code partition}, or empty when none was. */
    public OptionalLong resumeOffset(int partition) {
        Long o = offsets.get(partition);
        return o == null ? OptionalLong.empty() : OptionalLong.of(o);
    }

    /** Finished steps of this run. */
    public long stepsFinished() {
        return stepsFinished;
    }

    /** Optimizer updates so far. */
    public long optimizerSteps() {
        return optimizerSteps;
    }

    /** Current policy version. */
    public long policyVersion() {
        return scheduler.policyVersion();
    }

    /** Outcome totals. */
    public Accounting accounting() {
        return accounting;
    }

    /** The ledger (read it; it changes only through {@link #commit}). */
    public DedupeLedger ledger() {
        return ledger;
    }

    /**
     * A snapshot for a checkpoint of version {@code version}: the state as it will be once that checkpoint exists
     * (later requests carry {@code version}). Changes nothing; call {@link #setPolicyVersion} after the checkpoint is
     * written.
     *
     * @param version the checkpoint's version, {@code >= policyVersion()}
     * @param klState the trainer's KL controller state, flattened
     */
    public LearnerState stateAt(long version, Map<String, Double> klState) {
        if (version < scheduler.policyVersion()) {
            throw new IllegalArgumentException("checkpoint version " + version + " is below the policy version "
                    + scheduler.policyVersion());
        }
        StepScheduler.State s = scheduler.state();
        StepScheduler.State at = new StepScheduler.State(s.nextStep(), s.inFlight(), s.finishedBelow(), s.finishedAbove(),
                version, s.hweThreshold(), s.triggerTableVersion());
        return new LearnerState(LearnerState.SCHEMA_VERSION, config.runId(), stepsFinished, optimizerSteps, version,
                offsets, klState, at, ledger.groupIds(), ledger.trajectoryIds(), accounting.toMap());
    }

    /** {@link #stateAt} the current policy version. */
    public LearnerState state(Map<String, Double> klState) {
        return stateAt(scheduler.policyVersion(), klState);
    }

    /**
     * Continues from a checkpoint's state.
     *
     * @throws IllegalArgumentException when the state belongs to another run or is inconsistent
     */
    public void restore(LearnerState s) {
        if (!s.runId().equals(config.runId())) {
            throw new IllegalArgumentException(LearnerState.FILE + " belongs to run " + s.runId() + ", this learner is"
                    + " configured for run " + config.runId() + " (ares.learner.run-id)");
        }
        scheduler.restore(s.scheduler());
        ledger = DedupeLedger.of(s.groupIds(), s.trajectoryIds());
        accounting = Accounting.fromMap(s.accounting());
        offsets.clear();
        offsets.putAll(s.offsets());
        stepsFinished = s.stepsFinished();
        optimizerSteps = s.optimizerSteps();
    }
}
