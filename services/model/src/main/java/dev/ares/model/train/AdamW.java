package dev.ares.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter 2019, Algorithm 2): Adam moments with bias correction and decoupled weight
 * decay, {@code w <- w - lr * (m_hat / (sqrt(v_hat) + eps) + wd * w)}. Updates the parameters in place
 * from their DJL gradients, then zeroes the gradients. Call {@link #step()} outside the gradient collector.
 * Every temporary array of an update is closed (native memory stays flat over any number of steps).
 *
 * <p>The moments can be saved and restored by parameter name ({@link #state()}, {@link #load(Map, int)}), so
 * a resumed run continues with the same update as an uninterrupted one. Gradients can be clipped to a global
 * L2 norm before the step ({@link #clipGradientNorm(double)}, as {@code torch.nn.utils.clip_grad_norm_}).
 */
public final class AdamW {
    /** Suffix of the first-moment entries of {@link #state()} (torch's {@code exp_avg}). */
    public static final String FIRST_MOMENT = ".exp_avg";
    /** Suffix of the second-moment entries of {@link #state()} (torch's {@code exp_avg_sq}). */
    public static final String SECOND_MOMENT = ".exp_avg_sq";

    private final List<String> names = new ArrayList<>();
    private final List<NDArray> params = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private int t;

    /**
     * Marks every parameter as requiring gradients and allocates the moments.
     *
     * @param parameters e.g. {@code model.parameters()}
     */
    public AdamW(Map<String, NDArray> parameters, double lr, double beta1, double beta2, double eps,
                 double weightDecay) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            p.setRequiresGradient(true);
            names.add(e.getKey());
            params.add(p);
            m.add(p.zerosLike());
            v.add(p.zerosLike());
        }
    }

    /** torch.optim.AdamW's defaults with learning rate {@code lr}: betas (0.9, 0.999), eps 1e-8, decay 0.01. */
    public static AdamW withDefaults(Map<String, NDArray> parameters, double lr) {
        return new AdamW(parameters, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    /** One update of every parameter from its accumulated gradient, at the constructor's learning rate. */
    public void step() {
        step(lr);
    }

    /**
     * One update at learning rate {@code stepLr} (a schedule's value for this step, e.g. {@link LrSchedule}).
     * Weight decay is scaled by the same rate, as torch's AdamW does.
     */
    public void step(double stepLr) {
        t++;
        float c1 = (float) (1 - Math.pow(beta1, t));
        float c2 = (float) (1 - Math.pow(beta2, t));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            // the scope closes every temporary (g * (1 - b1), g^2, v / c2, ...); the in-place targets predate it
            try (NDScope scope = new NDScope(); NDArray g = p.getGradient()) {
                m.get(i).muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                v.get(i).muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
                NDArray update = m.get(i).div(c1).divi(v.get(i).div(c2).sqrt().addi((float) eps));
                p.muli((float) (1 - stepLr * weightDecay)).subi(update.muli((float) stepLr));
                g.subi(g);
            }
        }
    }

    /**
     * Scales all gradients in place so that their global L2 norm is at most {@code maxNorm}
     * ({@code torch.nn.utils.clip_grad_norm_}: factor {@code maxNorm / (norm + 1e-6)} when it is below 1).
     *
     * @param maxNorm the bound, {@code > 0}; {@code Double.POSITIVE_INFINITY} measures without clipping
     * @return the global norm before clipping
     */
    public double clipGradientNorm(double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double sq = 0;
        for (NDArray p : params) {
            try (NDScope scope = new NDScope(); NDArray g = p.getGradient()) {
                sq += g.square().sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            }
        }
        double norm = Math.sqrt(sq);
        double factor = maxNorm / (norm + 1e-6);
        if (factor < 1) {
            for (NDArray p : params) {
                try (NDArray g = p.getGradient()) {
                    g.muli((float) factor);
                }
            }
        }
        return norm;
    }

    /** Sets every gradient to zero (e.g. after a step was abandoned). */
    public void zeroGradients() {
        for (NDArray p : params) {
            try (NDArray g = p.getGradient()) {
                g.subi(g);
            }
        }
    }

    /**
     * The live moment arrays by name: {@code <parameter name>.exp_avg} and {@code <parameter name>.exp_avg_sq},
     * in parameter order, each of its parameter's shape and type. The step count is {@link #steps()}. The arrays
     * are the optimiser's own (not copies): write them out before the next {@link #step()}.
     */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            s.put(names.get(i) + FIRST_MOMENT, m.get(i));
            s.put(names.get(i) + SECOND_MOMENT, v.get(i));
        }
        return s;
    }

    /**
     * Restores moments saved by {@link #state()} (copied into the optimiser's arrays, converted to their type)
     * and the step count.
     *
     * @throws IllegalArgumentException naming the entry when one is missing, has another shape, or is unknown
     */
    public void load(Map<String, NDArray> state, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (state.size() != 2 * names.size()) {
            for (String k : state.keySet()) {
                String base = k.endsWith(FIRST_MOMENT) ? k.substring(0, k.length() - FIRST_MOMENT.length())
                        : k.endsWith(SECOND_MOMENT) ? k.substring(0, k.length() - SECOND_MOMENT.length()) : k;
                if (!names.contains(base)) {
                    throw new IllegalArgumentException("optimiser state entry '" + k + "' names no parameter");
                }
            }
        }
        for (int i = 0; i < names.size(); i++) {
            copyInto(state, names.get(i) + FIRST_MOMENT, m.get(i));
            copyInto(state, names.get(i) + SECOND_MOMENT, v.get(i));
        }
        t = steps;
    }

    private static void copyInto(Map<String, NDArray> state, String key, NDArray target) {
        NDArray src = state.get(key);
        if (src == null) {
            throw new IllegalArgumentException("optimiser state lacks '" + key + "'");
        }
        if (!src.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("optimiser state '" + key + "' has shape " + src.getShape()
                    + ", the parameter has " + target.getShape());
        }
        try (NDArray converted = src.toType(target.getDataType(), true)) {
            target.set(converted.toByteBuffer());
        }
    }

    /** The learning rate given to the constructor (the one {@link #step()} uses). */
    public double learningRate() {
        return lr;
    }

    /** Updates taken so far. */
    public int steps() {
        return t;
    }
}
