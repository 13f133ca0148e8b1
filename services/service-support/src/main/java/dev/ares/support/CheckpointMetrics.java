package dev.ares.support;

import dev.ares.core.checkpoint.CheckpointListener;
import dev.ares.core.checkpoint.CheckpointProblem;
import dev.ares.core.checkpoint.CorruptCheckpointException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Binds the checkpoint store's rejections to {@code ares.checkpoint.rejected{kind}} (Prometheus
 * {@code ares_checkpoint_rejected_total}; reliability.md scenario 2): a process-wide {@link CheckpointListener},
 * registered at start, so every {@code CheckpointStore} the service opens (learner resume, rollout and inference
 * hot swap) is counted. {@code kind} is the first problem's {@link CheckpointProblem.Kind} in lower case
 * ({@code sha256_mismatch}, {@code size_mismatch}, {@code manifest_missing}, ...); every kind starts at 0.
 */
@ApplicationScoped
public class CheckpointMetrics implements CheckpointListener {
    private static final Logger LOG = Logger.getLogger(CheckpointMetrics.class);

    @Inject
    MeterRegistry registry;

    private final Map<CheckpointProblem.Kind, Counter> counters = new EnumMap<>(CheckpointProblem.Kind.class);
    private AutoCloseable registration;

    void start(@Observes StartupEvent ev) {
        for (CheckpointProblem.Kind k : CheckpointProblem.Kind.values()) {
            counters.put(k, Counter.builder("ares.checkpoint.rejected").tag("kind", k.name().toLowerCase(Locale.ROOT))
                    .description("Checkpoints refused because they do not match their manifest").register(registry));
        }
        registration = CheckpointListener.register(this);
    }

    void stop(@Observes ShutdownEvent ev) throws Exception {
        if (registration != null) {
            registration.close();
        }
    }

    @Override
    public void rejected(CorruptCheckpointException e) {
        counters.get(e.kind()).increment();
        LOG.errorf("checkpoint rejected: %s", e.getMessage());
    }
}
