package dev.ares.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import dev.ares.core.aepo.AepoInputException;
import dev.ares.core.aepo.KlDivergence;

/**
 * Masked reductions of a {@code [B, T]} per-token quantity to a scalar, differentiable with DJL autograd
 * (aepo-spec §8 "Aggregation"; the NDArray counterpart of {@link KlDivergence#aggregate}).
 * Masked-out positions are selected away with {@code where}, so padding values (even non-finite ones) neither
 * reach the result nor its gradient.
 */
public final class MaskedAggregation {
    private MaskedAggregation() {
    }

    /**
     * A response mask as a boolean {@code [B, T]} array.
     *
     * @param mask boolean, or numeric where nonzero marks a response token
     * @param field the argument name used in error messages
     * @return a boolean array of the same shape
     */
    public static NDArray asBoolean(NDArray mask, String field) {
        if (mask == null) {
            throw new AepoInputException(field + " must not be null");
        }
        return mask.getDataType() == DataType.BOOLEAN ? mask : mask.neq(0);
    }

    /**
     * Aggregates {@code x} over {@code mask}.
     *
     * <ul>
     *   <li>{@link KlDivergence.Aggregation#TOKEN_MEAN}: Σ_{i,t} x·m / Σ m;</li>
     *   <li>{@link KlDivergence.Aggregation#SEQ_MEAN_TOKEN_MEAN}: (1/B') Σ_i (Σ_t x·m / L_i) over the B' rows
     *       with L_i &gt; 0 (paper Eq. 2's (1/G) Σ_i 1/|o_i| Σ_t).</li>
     * </ul>
     *
     * @param x {@code [B, T]} floating-point values (may require gradients)
     * @param mask {@code [B, T]} boolean response mask
     * @param agg aggregation mode
     * @return a scalar of {@code x}'s data type; 0 (with zero gradient) when the mask is empty
     */
    public static NDArray aggregate(NDArray x, NDArray mask, KlDivergence.Aggregation agg) {
        if (x.getShape().dimension() != 2 || !x.getShape().equals(mask.getShape())) {
            throw new AepoInputException("aggregate: x " + x.getShape() + " and mask " + mask.getShape()
                    + " must both be [B, T]");
        }
        NDArray m = mask.toType(x.getDataType(), false);
        NDArray kept = NDArrays.where(mask, x, x.zerosLike());
        if (agg == KlDivergence.Aggregation.TOKEN_MEAN) {
            return kept.sum().div(m.sum().maximum(1));
        }
        NDArray lengths = m.sum(new int[] {1});
        NDArray perRow = kept.sum(new int[] {1}).div(lengths.maximum(1));
        NDArray rows = lengths.gt(0).toType(x.getDataType(), false).sum();
        return perRow.sum().div(rows.maximum(1));
    }

    /**
     * Masked token mean as a plain double, for metrics (no gradient).
     *
     * @param x {@code [B, T]} values
     * @param mask {@code [B, T]} boolean response mask
     * @return Σ x·m / Σ m, or 0 when the mask is empty
     */
    public static double tokenMean(NDArray x, NDArray mask) {
        return aggregate(x.stopGradient(), mask, KlDivergence.Aggregation.TOKEN_MEAN).toType(DataType.FLOAT64, false)
                .getDouble();
    }
}
