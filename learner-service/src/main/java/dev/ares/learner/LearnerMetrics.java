package dev.ares.learner;

import dev.ares.core.learner.Outcome;
import dev.ares.model.learner.ModelLearnerLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The learner service's meters, registered when the service starts, whether or not it has a model to train
 * ({@code ares.learner.model-dir}): a fresh or unconfigured learner exports every series, so a dashboard over a
 * new deployment shows zeros rather than "no data" (issue 9). Prometheus names:
 * <ul>
 *   <li>{@code ares_learner_groups_total{outcome}} and {@code ares_learner_trajectories_total{outcome}} for every
 *       {@link Outcome} label; {@code ares_learner_dropped_total{reason}} for every outcome but {@code trained};
 *       {@code ares_trajectory_duplicates_total} (reliability.md scenario 5); {@code ares_learner_requests_total}
 *       (rollout requests scheduled); {@code ares_learner_checkpoints_total};</li>
 *   <li>{@code ares_learner_step} (finished steps, 0 without a loop) and {@code ares_learner_policy_version}
 *       (-1 without a loop, as the rollout replicas report no policy);</li>
 *   <li>gauges of the last trained step, NaN before the first one: {@code ares_learner_loss},
 *       {@code ares_learner_kl} (token-mean k3 against the reference), {@code ares_learner_entropy} (mean
 *       per-token entropy of the batch's responses, nats), {@code ares_learner_grad_norm},
 *       {@code ares_learner_reward} (mean overall reward of the batch), {@code ares_learner_tokens_per_second}.</li>
 * </ul>
 * {@link MeteredLearnerLoop} records into them and {@link #attach attaches} its loop for the step gauges.
 */
@Singleton
@Startup
public class LearnerMetrics {
    /** Gauge name → train-event key of the last step it shows. */
    static final Map<String, String> LAST_STEP = Map.of(
            "ares.learner.loss", "loss/total",
            "ares.learner.kl", "kl/mean",
            "ares.learner.entropy", "entropy/mean",
            "ares.learner.grad.norm", "grad/norm",
            "ares.learner.reward", "reward/mean",
            "ares.learner.tokens.per.second", "train/tokens_per_s");

    @Inject
    MeterRegistry registry;

    private final EnumMap<Outcome, Counter> groups = new EnumMap<>(Outcome.class);
    private final EnumMap<Outcome, Counter> trajectories = new EnumMap<>(Outcome.class);
    private final EnumMap<Outcome, Counter> dropped = new EnumMap<>(Outcome.class);
    private Counter duplicates;
    private Counter requests;
    private Counter checkpoints;
    private final AtomicReference<ModelLearnerLoop> loop = new AtomicReference<>();
    private final AtomicReference<Map<String, Double>> last = new AtomicReference<>(Map.of());

    /** For CDI. */
    public LearnerMetrics() {
    }

    /** Registers the meters on {@code registry} (outside CDI, e.g. in tests). */
    public LearnerMetrics(MeterRegistry registry) {
        this.registry = registry;
        init();
    }

    @PostConstruct
    void init() {
        for (Outcome o : Outcome.values()) {
            groups.put(o, Counter.builder("ares.learner.groups").tag("outcome", o.label())
                    .description("Scheduled groups by outcome").register(registry));
            trajectories.put(o, Counter.builder("ares.learner.trajectories").tag("outcome", o.label())
                    .description("Trajectories of scheduled groups by outcome").register(registry));
            if (o != Outcome.TRAINED) {
                dropped.put(o, Counter.builder("ares.learner.dropped").tag("reason", o.label())
                        .description("Groups not trained, by reason").register(registry));
            }
        }
        duplicates = Counter.builder("ares.trajectory.duplicates").description("Trajectories delivered again")
                .register(registry);
        requests = Counter.builder("ares.learner.requests").description("Rollout requests scheduled")
                .register(registry);
        checkpoints = Counter.builder("ares.learner.checkpoints").description("Checkpoints written")
                .register(registry);
        Gauge.builder("ares.learner.step", loop, l -> l.get() == null ? 0 : l.get().book().stepsFinished())
                .description("Optimizer steps finished").register(registry);
        Gauge.builder("ares.learner.policy.version", loop, l -> l.get() == null ? -1 : l.get().book().policyVersion())
                .description("Policy version of the learner (-1 without a model)").register(registry);
        for (Map.Entry<String, String> e : LAST_STEP.entrySet()) {
            String key = e.getValue();
            Gauge.builder(e.getKey(), last, m -> m.get().getOrDefault(key, Double.NaN))
                    .description("Last trained step's " + key + " (NaN before the first step)").register(registry);
        }
    }

    /**
     * The loop whose step and policy version the gauges show.
     *
     * @throws IllegalStateException if another loop is attached already
     */
    void attach(ModelLearnerLoop l) {
        if (!loop.compareAndSet(null, l) && loop.get() != l) {
            throw new IllegalStateException("the learner meters already show another loop");
        }
    }

    /** Counts {@code n} scheduled rollout requests. */
    void requested(int n) {
        requests.increment(n);
    }

    /** Counts one written checkpoint. */
    void checkpointed() {
        checkpoints.increment();
    }

    /**
     * Records the outcome of one {@code train} call from its train-event metrics: the counts under
     * {@code outcome/groups/<label>} and {@code outcome/trajectories/<label>} (absent = 0) go to the outcome
     * counters (duplicates also to {@code ares.trajectory.duplicates}); when the call took an optimizer step (its
     * metrics hold {@code grad/norm}) and the batch was not ignored ({@code learner/ignored}), the metrics become the
     * last step's gauges, otherwise the gauges keep showing the last trained step.
     */
    void recorded(Map<String, Double> metrics) {
        for (Outcome o : Outcome.values()) {
            double g = metrics.getOrDefault("outcome/groups/" + o.label(), 0.0);
            double t = metrics.getOrDefault("outcome/trajectories/" + o.label(), 0.0);
            groups.get(o).increment(g);
            trajectories.get(o).increment(t);
            if (o != Outcome.TRAINED) {
                dropped.get(o).increment(g);
            }
            if (o == Outcome.DUPLICATE) {
                duplicates.increment(t);
            }
        }
        // only a step that took an optimizer update (its event has grad/norm) replaces the gauges: a batch with
        // nothing to train (all filtered, stale or duplicate) has no loss or KL and must not turn them into NaN
        if (!metrics.containsKey("learner/ignored") && metrics.containsKey("grad/norm")) {
            last.set(Map.copyOf(metrics));
        }
    }
}
