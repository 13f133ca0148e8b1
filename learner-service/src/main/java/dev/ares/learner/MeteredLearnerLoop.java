package dev.ares.learner;

import dev.ares.core.compute.LearnerLoop;
import dev.ares.core.compute.Readiness;
import dev.ares.core.learner.Outcome;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.model.learner.ModelLearnerLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The learner loop with its Micrometer metrics (names as Prometheus shows them):
 * <ul>
 *   <li>{@code ares_learner_step} finished steps, {@code ares_learner_policy_version}, {@code ares_learner_loss},
 *       {@code ares_learner_kl} (token-mean k3 against the reference), {@code ares_learner_grad_norm},
 *       {@code ares_learner_reward}, {@code ares_learner_tokens_per_second} — gauges of the last step;</li>
 *   <li>{@code ares_learner_groups_total{outcome}} and {@code ares_learner_trajectories_total{outcome}} for every
 *       outcome (trained, filtered, stale, timed_out, duplicate, other_run);</li>
 *   <li>{@code ares_learner_dropped_total{reason}}: groups not trained, by reason (every outcome but trained);</li>
 *   <li>{@code ares_trajectory_duplicates_total}: trajectories delivered again (reliability.md scenario 5);</li>
 *   <li>{@code ares_learner_requests_total}: rollout requests scheduled; {@code ares_learner_checkpoints_total}.</li>
 * </ul>
 */
public final class MeteredLearnerLoop implements LearnerLoop, AutoCloseable {
    private final ModelLearnerLoop loop;
    private final AtomicReference<Map<String, Double>> last = new AtomicReference<>(Map.of());
    private final EnumMap<Outcome, Counter> groups = new EnumMap<>(Outcome.class);
    private final EnumMap<Outcome, Counter> trajectories = new EnumMap<>(Outcome.class);
    private final EnumMap<Outcome, Counter> dropped = new EnumMap<>(Outcome.class);
    private final Counter duplicates;
    private final Counter requests;
    private final Counter checkpoints;

    /** Registers the meters on {@code registry}. */
    public MeteredLearnerLoop(ModelLearnerLoop loop, MeterRegistry registry) {
        this.loop = loop;
        for (Outcome o : Outcome.values()) {
            groups.put(o, registry.counter("ares.learner.groups", "outcome", o.label()));
            trajectories.put(o, registry.counter("ares.learner.trajectories", "outcome", o.label()));
            if (o != Outcome.TRAINED) {
                dropped.put(o, registry.counter("ares.learner.dropped", "reason", o.label()));
            }
        }
        duplicates = registry.counter("ares.trajectory.duplicates");
        requests = registry.counter("ares.learner.requests");
        checkpoints = registry.counter("ares.learner.checkpoints");
        registry.gauge("ares.learner.step", this, m -> m.loop.book().stepsFinished());
        registry.gauge("ares.learner.policy.version", this, m -> m.loop.book().policyVersion());
        gauge(registry, "ares.learner.loss", "loss/total");
        gauge(registry, "ares.learner.kl", "kl/mean");
        gauge(registry, "ares.learner.grad.norm", "grad/norm");
        gauge(registry, "ares.learner.reward", "reward/mean");
        gauge(registry, "ares.learner.tokens.per.second", "train/tokens_per_s");
    }

    private void gauge(MeterRegistry registry, String name, String key) {
        registry.gauge(name, this, m -> m.last.get().getOrDefault(key, Double.NaN));
    }

    @Override
    public List<RolloutRequest> nextRequests() {
        List<RolloutRequest> r = loop.nextRequests();
        requests.increment(r.size());
        return r;
    }

    @Override
    public StepOutcome train(ScoredBatch batch, int partition, long offset) {
        StepOutcome out = loop.train(batch, partition, offset);
        Map<String, Double> m = out.event().metrics();
        for (Outcome o : Outcome.values()) {
            double g = m.getOrDefault("outcome/groups/" + o.label(), 0.0);
            double t = m.getOrDefault("outcome/trajectories/" + o.label(), 0.0);
            groups.get(o).increment(g);
            trajectories.get(o).increment(t);
            if (o != Outcome.TRAINED) {
                dropped.get(o).increment(g);
            }
            if (o == Outcome.DUPLICATE) {
                duplicates.increment(t);
            }
        }
        if (!m.containsKey("learner/ignored")) {
            last.set(Map.copyOf(m));
        }
        out.checkpoint().ifPresent(c -> checkpoints.increment());
        return out;
    }

    @Override
    public OptionalLong resumeOffset(int partition) {
        return loop.resumeOffset(partition);
    }

    @Override
    public Readiness readiness() {
        return loop.readiness();
    }

    /** The wrapped loop. */
    public ModelLearnerLoop delegate() {
        return loop;
    }

    @Override
    public void close() {
        loop.close();
    }
}
