package dev.ares.core.aepo;

import java.util.List;

/**
 * Output of {@link AepoScorer#scoreBatch(List, ControllerState, AepoConfig)}.
 *
 * @param groups per-group scores in input order
 * @param stats batch statistics
 * @param state the controller state after this batch (τ EMA, α_d, lagged targets; KL state carried unchanged)
 */
public record BatchResult(List<GroupResult> groups, BatchStats stats, ControllerState state) {
}
