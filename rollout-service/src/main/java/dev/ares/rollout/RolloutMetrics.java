package dev.ares.rollout;

import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.Trajectory;
import dev.ares.model.engine.PolicyHolder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rollout meters (issue 6 item 1; Prometheus names in brackets):
 * <ul>
 *   <li>{@code ares.rollout.tokens} [{@code ares_rollout_tokens_total}]: response tokens of published trajectories
 *       (a branch counts its whole response; tokens/s is its rate);</li>
 *   <li>{@code ares.rollout.sampled.tokens} [{@code ares_rollout_sampled_tokens_total}]: tokens the sampler drew
 *       (a branch's copied prefix left out), the decode work;</li>
 *   <li>{@code ares.rollout.tokens.per.second} [{@code ares_rollout_tokens_per_second}]: sampled tokens of the last
 *       generation batch per wall-clock second of that batch;</li>
 *   <li>{@code ares.rollout.groups} [{@code ares_rollout_groups_total}]: published groups (groups/s is its rate);</li>
 *   <li>{@code ares.rollout.branches} [{@code ares_rollout_branches_count/_sum/_max}]: branches per published group;</li>
 *   <li>{@code ares.rollout.policy.version} [{@code ares_rollout_policy_version}]: the policy version held (-1 none).</li>
 * </ul>
 * Created at startup ({@link Startup}), not at the first published group, so a replica that has not generated
 * yet already exports every series at 0 (policy version -1) for the dashboard and the autoscalers (issue 9).
 */
@ApplicationScoped
@Startup
public class RolloutMetrics {
    @Inject
    MeterRegistry registry;

    @Inject
    PolicyHolder policy;

    private Counter tokens;
    private Counter sampled;
    private Counter groups;
    private DistributionSummary branches;
    private final AtomicLong tokensPerSecondMilli = new AtomicLong();

    @PostConstruct
    void init() {
        tokens = Counter.builder("ares.rollout.tokens").description("Response tokens of published trajectories")
                .register(registry);
        sampled = Counter.builder("ares.rollout.sampled.tokens")
                .description("Tokens drawn by the sampler for published trajectories (branch prefixes excluded)")
                .register(registry);
        groups = Counter.builder("ares.rollout.groups").description("Rollout groups published").register(registry);
        branches = DistributionSummary.builder("ares.rollout.branches").description("Branches per published group")
                .register(registry);
        Gauge.builder("ares.rollout.tokens.per.second", tokensPerSecondMilli, v -> v.get() / 1000.0)
                .description("Sampled tokens per second of the last generation batch").register(registry);
        Gauge.builder("ares.rollout.policy.version", policy, PolicyHolder::version)
                .description("Policy version the replica generates with (-1 before one is loaded)").register(registry);
    }

    /** Records one published group. */
    public void published(RolloutGroup group) {
        long all = 0;
        long own = 0;
        int b = 0;
        for (Trajectory t : group.trajectories()) {
            all += t.length();
            own += t.length() - Math.max(0, t.branchPosition());
            b += t.branchParent() != null ? 1 : 0;
        }
        tokens.increment(all);
        sampled.increment(own);
        groups.increment();
        branches.record(b);
    }

    /** Records the decode throughput of one generation batch of {@code batch} groups that took {@code nanos}. */
    public void batch(List<RolloutGroup> batch, long nanos) {
        long own = 0;
        for (RolloutGroup g : batch) {
            for (Trajectory t : g.trajectories()) {
                own += t.length() - Math.max(0, t.branchPosition());
            }
        }
        if (nanos > 0) {
            tokensPerSecondMilli.set(Math.round(own * 1e12 / nanos));
        }
    }
}
