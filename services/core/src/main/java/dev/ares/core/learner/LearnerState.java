package dev.ares.core.learner;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the learner needs, besides weights and optimizer moments, to continue exactly where a checkpoint was
 * taken (architecture.md §4 steps 4–5): the file {@value #FILE} of a learner checkpoint.
 *
 * @param schemaVersion   {@value #SCHEMA_VERSION}
 * @param runId           the run
 * @param stepsFinished   scored batches of this run that finished (trained or dropped)
 * @param optimizerSteps  optimizer updates taken
 * @param policyVersion   version of this checkpoint (the policy version requests carry after it)
 * @param offsets         per {@code ares.scored} partition, the next offset to consume
 * @param klState         KL controller state, flattened by {@code ControllerStateMap}
 * @param scheduler       request schedule
 * @param groupIds        ledger: group ids with an outcome
 * @param trajectoryIds   ledger: trained trajectory ids
 * @param accounting      outcome totals ({@link Accounting#toMap()})
 */
public record LearnerState(int schemaVersion, String runId, long stepsFinished, long optimizerSteps, long policyVersion,
                           Map<Integer, Long> offsets, Map<String, Double> klState, StepScheduler.State scheduler,
                           List<String> groupIds, List<String> trajectoryIds, Map<String, Long> accounting) {
    /** File name inside a checkpoint directory. */
    public static final String FILE = "learner-state.json";
    /** The schema version this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** Validates fields; throws {@link IllegalArgumentException} naming the field. */
    public LearnerState {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException(FILE + ": schemaVersion must be " + SCHEMA_VERSION + ", got "
                    + schemaVersion);
        }
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException(FILE + ": runId must be non-blank");
        }
        if (stepsFinished < 0 || optimizerSteps < 0 || policyVersion < 0) {
            throw new IllegalArgumentException(FILE + ": stepsFinished, optimizerSteps and policyVersion must be >= 0");
        }
        if (offsets == null || klState == null || scheduler == null || groupIds == null || trajectoryIds == null
                || accounting == null) {
            throw new IllegalArgumentException(FILE + ": offsets, klState, scheduler, groupIds, trajectoryIds and"
                    + " accounting are required");
        }
        for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
            if (e.getKey() == null || e.getKey() < 0 || e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException(FILE + ": offsets entry " + e + " must map a partition >= 0 to an"
                        + " offset >= 0");
            }
        }
        offsets = Map.copyOf(new TreeMap<>(offsets));
        klState = Map.copyOf(klState);
        groupIds = List.copyOf(groupIds);
        trajectoryIds = List.copyOf(trajectoryIds);
        accounting = Map.copyOf(accounting);
    }

    /** UTF-8 JSON bytes (map keys sorted, so equal states give equal bytes). */
    public byte[] toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise learner state", e);
        }
    }

    /**
     * Parses {@link #toJson()} output.
     *
     * @param where file name for error messages
     * @throws IllegalArgumentException naming {@code where} and the problem when the JSON is malformed or invalid
     */
    public static LearnerState fromJson(byte[] json, String where) {
        try {
            return JSON.readValue(json, LearnerState.class);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException(where + ": not a valid learner state: " + cause.getMessage(), e);
        }
    }
}
