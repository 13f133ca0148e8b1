package dev.ares.core.protocol;

/**
 * A request to generate one rollout group; topic {@code ares.rollout.requests}, key = group id
 * (architecture.md §3). Encoded as JSON by {@link Codecs#rolloutRequest()}.
 *
 * @param schemaVersion       schema version of this record, 1..{@link #SCHEMA_VERSION}
 * @param requestId           unique id of this request (a retry keeps it); non-blank
 * @param groupId             id of the group the rollout produces; non-blank
 * @param runId               training run; non-blank
 * @param step                learner step the group is for, {@code >= 0}
 * @param groupsInStep        number of groups the learner scheduled for {@code step}, {@code >= 1}; the rollout
 *                            copies it into its {@link RolloutGroup} so the reward service knows when the step is
 *                            complete (architecture.md §4 step 3)
 * @param policyVersion       checkpoint version the learner expects the group to be generated with, {@code >= 0}
 * @param prompt              the prompt
 * @param n                   group size (trajectories per prompt), in {@code [1, }{@link #MAX_N}{@code ]}
 * @param sampling            sampling parameters
 * @param explorationMode     {@link ExplorationMode#IID} or {@link ExplorationMode#HWE_BRANCH}
 * @param branchBudget        maximum number of branch points in the group, {@code 0..n-1}; 0 in IID mode
 * @param hweThreshold        current high-window-entropy threshold in nats, finite and {@code >= 0}
 *                            (copied from the latest scored batch; aepo-spec)
 * @param triggerTableVersion version of the trigger-token table the threshold was computed with, {@code >= 0}
 */
public record RolloutRequest(int schemaVersion, String requestId, String groupId, String runId, long step,
                             int groupsInStep, long policyVersion, Prompt prompt, int n, SamplingParams sampling,
                             ExplorationMode explorationMode, int branchBudget, double hweThreshold,
                             long triggerTableVersion) {
    /** The schema version this build writes. */
    public static final int SCHEMA_VERSION = 1;
    /** Largest group size a request may ask for (a record size limit: issue 10, security item 3). */
    public static final int MAX_N = 1024;

    public RolloutRequest {
        Checks.schemaVersion(schemaVersion, SCHEMA_VERSION, "RolloutRequest");
        Checks.nonBlank(requestId, "RolloutRequest.requestId");
        Checks.nonBlank(groupId, "RolloutRequest.groupId");
        Checks.nonBlank(runId, "RolloutRequest.runId");
        Checks.nonNegative(step, "RolloutRequest.step");
        Checks.atLeast(groupsInStep, 1, "RolloutRequest.groupsInStep");
        Checks.nonNegative(policyVersion, "RolloutRequest.policyVersion");
        Checks.nonNull(prompt, "RolloutRequest.prompt");
        Checks.atLeast(n, 1, "RolloutRequest.n");
        if (n > MAX_N) {
            throw new IllegalArgumentException("RolloutRequest.n must be <= " + MAX_N + ", got " + n);
        }
        Checks.nonNull(sampling, "RolloutRequest.sampling");
        Checks.nonNull(explorationMode, "RolloutRequest.explorationMode");
        Checks.atLeast(branchBudget, 0, "RolloutRequest.branchBudget");
        if (branchBudget > n - 1) {
            throw new IllegalArgumentException("RolloutRequest.branchBudget must be <= n - 1 = " + (n - 1)
                    + ", got " + branchBudget);
        }
        if (explorationMode == ExplorationMode.IID && branchBudget != 0) {
            throw new IllegalArgumentException("RolloutRequest.branchBudget must be 0 in IID mode, got " + branchBudget);
        }
        Checks.finite(hweThreshold, "RolloutRequest.hweThreshold");
        if (hweThreshold < 0) {
            throw new IllegalArgumentException("RolloutRequest.hweThreshold must be >= 0, got " + hweThreshold);
        }
        Checks.nonNegative(triggerTableVersion, "RolloutRequest.triggerTableVersion");
    }

    /** Creates a request of the current {@link #SCHEMA_VERSION}. */
    public RolloutRequest(String requestId, String groupId, String runId, long step, int groupsInStep,
                          long policyVersion, Prompt prompt, int n, SamplingParams sampling, ExplorationMode explorationMode,
                          int branchBudget, double hweThreshold, long triggerTableVersion) {
        this(SCHEMA_VERSION, requestId, groupId, runId, step, groupsInStep, policyVersion, prompt, n, sampling, explorationMode,
                branchBudget, hweThreshold, triggerTableVersion);
    }
}
