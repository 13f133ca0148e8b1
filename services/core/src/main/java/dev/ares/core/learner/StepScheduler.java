package dev.ares.core.learner;

import dev.ares.core.protocol.BatchStats;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The learner's request schedule (architecture.md §4 step 1; issue 6 item 3): which prompts go into which step, and
 * backpressure.
 *
 * <ul>
 *   <li>Step s has {@code groupsPerStep} groups of n; group i has id {@code <run>-s<step>-g<i>} and request id
 *       {@code <group id>-r}, so a re-issued request is recognisably the same one.</li>
 *   <li>A step is <em>in flight</em> from when its requests are produced until {@link #finish(long)} (its scored
 *       batch was trained or dropped). At most {@code maxStaleness} steps are in flight; {@link #next()} returns
 *       nothing while the bound is reached.</li>
 *   <li>Each request carries the current policy version (the latest checkpoint version, which rollouts can hold) and
 *       the HWE threshold and trigger-table version of the latest scored batch ({@link #observe(ScoredBatch)}).</li>
 *   <li>After a restore, the steps in flight at checkpoint time are issued again (their requests may have been lost
 *       between production and publication); the duplicates this may cause are removed by group and trajectory id
 *       downstream ({@link DedupeLedger}).</li>
 * </ul>
 * Not thread-safe: the caller serialises access.
 */
public final class StepScheduler {
    /** Controller-state key a scored batch may carry with the trigger-table version its threshold belongs to. */
    public static final String TRIGGER_TABLE_VERSION_KEY = "triggerTableVersion";
    /** Controller-state key of the threshold the next step is scored with ({@code ControllerStateMap}). */
    public static final String NEXT_TAU_KEY = "tau";

    private final ScheduleConfig config;
    private final PromptSource prompts;
    private long nextStep;
    private final TreeSet<Long> inFlight = new TreeSet<>();
    private final TreeSet<Long> reissue = new TreeSet<>();
    private StepSet finished = new StepSet();
    private long policyVersion;
    private double hweThreshold;
    private long triggerTableVersion;

    /**
     * A fresh schedule: step 0 next, policy version 0, threshold 0 (no scored batch yet: every trigger may branch).
     */
    public StepScheduler(ScheduleConfig config, PromptSource prompts) {
        this.config = config;
        this.prompts = prompts;
        this.triggerTableVersion = config.triggerTableVersion();
    }

    /**
     * Requests to publish now: first re-issued steps after a restore, then new steps while fewer than
     * {@code maxStaleness} steps are in flight and {@code maxSteps} is not reached. Steps already finished (a batch
     * that arrived before its step was scheduled again after a restore) are skipped.
     *
     * @return the requests, grouped by step in ascending order; empty under backpressure
     */
    public List<RolloutRequest> next() {
        List<RolloutRequest> out = new ArrayList<>();
        while (!reissue.isEmpty()) {
            long s = reissue.pollFirst();
            if (!finished.contains(s)) {
                out.addAll(requestsOf(s));
            }
        }
        while (inFlight.size() < config.maxStaleness() && (config.maxSteps() == 0 || nextStep < config.maxSteps())) {
            long s = nextStep++;
            if (finished.contains(s)) {
                continue;
            }
            inFlight.add(s);
            out.addAll(requestsOf(s));
        }
        return out;
    }

    private List<RolloutRequest> requestsOf(long step) {
        List<Prompt> ps = prompts.prompts(step, config.groupsPerStep());
        if (ps.size() != config.groupsPerStep()) {
            throw new IllegalStateException("prompt source returned " + ps.size() + " prompts for step " + step
                    + ", expected " + config.groupsPerStep());
        }
        List<RolloutRequest> out = new ArrayList<>(ps.size());
        for (int i = 0; i < ps.size(); i++) {
            String gid = groupId(config.runId(), step, i);
            out.add(new RolloutRequest(gid + "-r", gid, config.runId(), step, config.groupsPerStep(), policyVersion,
                    ps.get(i), config.n(), config.sampling(step, i), config.explorationMode(), config.branchBudget(),
                    hweThreshold, triggerTableVersion));
        }
        return out;
    }

    /** The group id of group {@code index} of {@code step} in {@code runId}. */
    public static String groupId(String runId, long step, int index) {
        return runId + "-s" + step + "-g" + index;
    }

    /**
     * Takes the HWE threshold and trigger-table version for later requests from a scored batch of this run: the
     * threshold the scorer will use next ({@code controllerState.tau}) when present, else the one the batch used;
     * the trigger-table version when the batch's controller state carries {@value #TRIGGER_TABLE_VERSION_KEY}.
     */
    public void observe(ScoredBatch batch) {
        BatchStats stats = batch.stats();
        Map<String, Double> cs = stats.controllerState();
        Double next = cs.get(NEXT_TAU_KEY);
        hweThreshold = next != null && Double.isFinite(next) && next >= 0 ? next : stats.hweThreshold();
        Double ttv = cs.get(TRIGGER_TABLE_VERSION_KEY);
        if (ttv != null && ttv >= 0 && ttv == Math.rint(ttv)) {
            triggerTableVersion = ttv.longValue();
        }
    }

    /**
     * Ends a step (trained, dropped or empty): it no longer counts against the in-flight bound.
     *
     * @return true when the step was not finished before
     */
    public boolean finish(long step) {
        inFlight.remove(step);
        reissue.remove(step);
        return finished.add(step);
    }

    /** Sets the policy version later requests carry (the latest checkpoint version). */
    public void setPolicyVersion(long version) {
        if (version < policyVersion) {
            throw new IllegalArgumentException("policy version must not go back: " + version + " < " + policyVersion);
        }
        policyVersion = version;
    }

    /** Steps currently in flight, ascending. */
    public List<Long> inFlight() {
        return List.copyOf(inFlight);
    }

    /** True when {@code step} has finished. */
    public boolean isFinished(long step) {
        return finished.contains(step);
    }

    /** Number of finished steps. */
    public long finishedCount() {
        return finished.size();
    }

    /** True when {@code maxSteps} is set and every step below it has finished. */
    public boolean done() {
        return config.maxSteps() > 0 && finished.watermark() >= config.maxSteps();
    }

    /** The threshold later requests carry. */
    public double hweThreshold() {
        return hweThreshold;
    }

    /** The policy version later requests carry. */
    public long policyVersion() {
        return policyVersion;
    }

    /** A snapshot for the checkpoint. */
    public State state() {
        return new State(nextStep, List.copyOf(inFlight), finished.watermark(), finished.sparse(), policyVersion,
                hweThreshold, triggerTableVersion);
    }

    /**
     * Restores a snapshot; the steps that were in flight are issued again by the next {@link #next()}.
     *
     * @throws IllegalArgumentException naming the field when the snapshot is inconsistent
     */
    public void restore(State s) {
        if (s.nextStep() < 0 || s.policyVersion() < 0 || s.triggerTableVersion() < 0
                || !(s.hweThreshold() >= 0) || !Double.isFinite(s.hweThreshold())) {
            throw new IllegalArgumentException("scheduler state has a negative or non-finite field: " + s);
        }
        for (Long f : s.inFlight()) {
            if (f == null || f < 0 || f >= s.nextStep()) {
                throw new IllegalArgumentException("scheduler state inFlight step " + f + " is not in [0, nextStep = "
                        + s.nextStep() + ")");
            }
        }
        StepSet done = StepSet.of(s.finishedBelow(), s.finishedAbove());
        nextStep = s.nextStep();
        inFlight.clear();
        reissue.clear();
        for (Long f : s.inFlight()) {
            if (!done.contains(f)) {
                inFlight.add(f);
                reissue.add(f);
            }
        }
        finished = done;
        policyVersion = s.policyVersion();
        hweThreshold = s.hweThreshold();
        triggerTableVersion = s.triggerTableVersion();
    }

    /**
     * Checkpointed scheduler state.
     *
     * @param nextStep            the next step to schedule
     * @param inFlight            steps in flight, ascending
     * @param finishedBelow       every step below this has finished
     * @param finishedAbove       further finished steps
     * @param policyVersion       policy version requests carry
     * @param hweThreshold        threshold requests carry, nats
     * @param triggerTableVersion trigger-table version requests carry
     */
    public record State(long nextStep, List<Long> inFlight, long finishedBelow, List<Long> finishedAbove,
                        long policyVersion, double hweThreshold, long triggerTableVersion) {
        public State {
            inFlight = inFlight == null ? List.of() : List.copyOf(inFlight);
            finishedAbove = finishedAbove == null ? List.of() : List.copyOf(finishedAbove);
        }
    }
}
