/**
 * The reward service's compute step (architecture.md §4 step 3, aepo-spec §14): {@link dev.ares.core.scoring.AepoStepScorer}
 * assembles the rollout groups of each step and scores them with the AEPO library, carrying the controller state
 * from step to step and persisting it in the scored batch ({@link dev.ares.core.scoring.ControllerStateMap}).
 */
package dev.ares.core.scoring;
