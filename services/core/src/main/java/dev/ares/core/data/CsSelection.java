package dev.ares.core.data;

/**
 * One chosen training example.
 *
 * @param item         the problem with its pool data
 * @param chosen       the chosen response
 * @param targetLength L_target(p) of the item's source at its pass rate (reported for both modes)
 * @param mode         how it was chosen
 */
public record CsSelection(CsItem item, CsOption chosen, double targetLength, AdaCs.Mode mode) {
}
