package dev.ares.reward;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.compute.StepScorer;
import dev.ares.core.scoring.AepoStepScorer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes the service's {@link StepScorer}: an {@link AepoStepScorer} configured from {@code ares.reward.*}
 * ({@link AepoSettings}; aepo-spec §16 defaults) that continues from the controller state of the last record on
 * {@code ares.scored} ({@link ScoredTopicRestorer}; the initial state when there is none or it is unreadable),
 * wrapped with its metrics ({@link MeteredStepScorer}; the meters, {@link RewardMeters}, are registered at
 * startup, before the restore). The restore runs in the background
 * ({@link RestoringStepScorer}, retried every {@code ares.reward.restore-retry}): the scorer is DOWN until it has
 * its state, and the readiness check never blocks on the broker.
 */
@ApplicationScoped
public class StepScorerProducer {
    private static final Logger LOG = Logger.getLogger(StepScorerProducer.class);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "ares.reward.scored-topic", defaultValue = "ares.scored")
    String scoredTopic;

    @ConfigProperty(name = "ares.reward.restore-timeout", defaultValue = "30s")
    Duration restoreTimeout;

    @ConfigProperty(name = "ares.reward.restore-retry", defaultValue = "2s")
    Duration restoreRetry;

    @ConfigProperty(name = "ares.reward.mode", defaultValue = "code")
    String mode;

    @ConfigProperty(name = "ares.reward.straggler-timeout", defaultValue = "60s")
    Duration stragglerTimeout;

    @ConfigProperty(name = "ares.reward.window")
    Optional<Integer> window;

    @ConfigProperty(name = "ares.reward.tau")
    Optional<Double> fixedTau;

    @ConfigProperty(name = "ares.reward.threshold-ema-decay")
    Optional<Double> thresholdEmaDecay;

    @ConfigProperty(name = "ares.reward.filter.enabled", defaultValue = "true")
    boolean filterEnabled;

    @ConfigProperty(name = "ares.reward.filter.key", defaultValue = "accuracy")
    String filterKey;

    @ConfigProperty(name = "ares.reward.format-weight", defaultValue = "0.0")
    double formatWeight;

    @Inject
    MeterRegistry registry;

    /**
     * @return this replica's scorer: DOWN while its controller state is being restored from {@code ares.scored},
     *     then the metered AEPO scorer
     * @throws IllegalArgumentException naming the property when the configuration is invalid
     */
    @Produces
    @ApplicationScoped
    @Startup // fail fast on bad ares.reward.* values (reliability.md scenario 18), not at the first record
    StepScorer stepScorer() {
        AepoConfig cfg = AepoSettings.build(mode, window, fixedTau, thresholdEmaDecay, filterEnabled, filterKey,
                formatWeight);
        if (stragglerTimeout.isNegative() || stragglerTimeout.isZero()) {
            throw new IllegalArgumentException("ares.reward.straggler-timeout must be > 0, got " + stragglerTimeout);
        }
        RewardMeters meters = new RewardMeters(registry); // at startup: a fresh replica exports every series
        return new RestoringStepScorer(() -> restored(cfg, meters), restoreRetry);
    }

    void close(@Disposes StepScorer scorer) {
        if (scorer instanceof RestoringStepScorer r) {
            r.close();
        }
    }

    private StepScorer restored(AepoConfig cfg, RewardMeters meters) {
        Optional<AepoStepScorer.Resume> resume =
                ScoredTopicRestorer.forBroker(bootstrap, scoredTopic, restoreTimeout).lastResume();
        AepoStepScorer scorer = new AepoStepScorer(cfg, stragglerTimeout, System::currentTimeMillis,
                resume.orElse(null));
        LOG.infof("AEPO step scorer: %s reading, window %d, straggler timeout %s; %s", cfg.reading(), cfg.window(),
                stragglerTimeout, scorer.readiness().reason());
        return new MeteredStepScorer(scorer, meters);
    }
}
