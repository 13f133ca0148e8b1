package dev.ares.model.train;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter 2019, Algorithm 2): Adam moments with bias correction and decoupled weight
 * decay, {@code w <- w - lr * (m_hat / (sqrt(v_hat) + eps) + wd * w)}. Updates the parameters in place
 * from their DJL gradients, then zeroes the gradients. Call {@link #step()} outside the gradient collector.
 */
public final class AdamW {
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
        for (NDArray p : parameters.values()) {
            p.setRequiresGradient(true);
            params.add(p);
            m.add(p.zerosLike());
            v.add(p.zerosLike());
        }
    }

    /** torch.optim.AdamW's defaults with learning rate {@code lr}: betas (0.9, 0.999), eps 1e-8, decay 0.01. */
    public static AdamW withDefaults(Map<String, NDArray> parameters, double lr) {
        return new AdamW(parameters, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    /** One update of every parameter from its accumulated gradient. */
    public void step() {
        t++;
        float c1 = (float) (1 - Math.pow(beta1, t));
        float c2 = (float) (1 - Math.pow(beta2, t));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            try (NDArray g = p.getGradient()) {
                m.get(i).muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                v.get(i).muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
                NDArray update = m.get(i).div(c1).divi(v.get(i).div(c2).sqrt().addi((float) eps));
                p.muli((float) (1 - lr * weightDecay)).subi(update.muli((float) lr));
                update.close();
                g.subi(g);
            }
        }
    }

    /** Updates taken so far. */
    public int steps() {
        return t;
    }
}
