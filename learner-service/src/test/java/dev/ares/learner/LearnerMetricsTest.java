package dev.ares.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.learner.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link LearnerMetrics}: every series exists before any step (issue 9), and a train call's outcomes land in them. */
class LearnerMetricsTest {

    @Test
    void everySeriesExistsBeforeAnyLoop() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new LearnerMetrics(registry);
        for (Outcome o : Outcome.values()) {
            assertEquals(0.0, registry.get("ares.learner.trajectories").tag("outcome", o.label()).counter().count());
            assertEquals(0.0, registry.get("ares.learner.groups").tag("outcome", o.label()).counter().count());
            if (o != Outcome.TRAINED) {
                assertEquals(0.0, registry.get("ares.learner.dropped").tag("reason", o.label()).counter().count());
            }
        }
        assertEquals(Outcome.values().length - 1, registry.find("ares.learner.dropped").counters().size());
        assertEquals(-1.0, registry.get("ares.learner.policy.version").gauge().value());
        assertEquals(0.0, registry.get("ares.learner.step").gauge().value());
        for (String g : LearnerMetrics.LAST_STEP.keySet()) {
            assertTrue(Double.isNaN(registry.get(g).gauge().value()), g + " is NaN before the first step");
        }
    }

    @Test
    void aTrainCallsOutcomesAndLastStepValuesAreRecorded() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LearnerMetrics m = new LearnerMetrics(registry);
        Map<String, Double> step = new HashMap<>();
        step.put("outcome/groups/trained", 3.0);
        step.put("outcome/trajectories/trained", 24.0);
        step.put("outcome/groups/duplicate", 1.0);
        step.put("outcome/trajectories/duplicate", 8.0);
        step.put("loss/total", 0.25);
        step.put("kl/mean", 0.01);
        step.put("entropy/mean", 1.5);
        step.put("grad/norm", 0.5);
        m.recorded(step);
        assertEquals(24.0, registry.get("ares.learner.trajectories").tag("outcome", "trained").counter().count());
        assertEquals(1.0, registry.get("ares.learner.dropped").tag("reason", "duplicate").counter().count());
        assertEquals(8.0, registry.get("ares.trajectory.duplicates").counter().count());
        assertEquals(0.0, registry.get("ares.learner.dropped").tag("reason", "stale").counter().count());
        assertEquals(0.25, registry.get("ares.learner.loss").gauge().value());
        assertEquals(1.5, registry.get("ares.learner.entropy").gauge().value());
        assertEquals(0.5, registry.get("ares.learner.grad.norm").gauge().value());
        assertTrue(Double.isNaN(registry.get("ares.learner.tokens.per.second").gauge().value()), "absent key stays NaN");

        // an ignored batch (another run) counts its outcomes but keeps the last step's values
        m.recorded(Map.of("learner/ignored", 1.0, "outcome/groups/other_run", 2.0, "loss/total", 9.0, "grad/norm", 9.0));
        assertEquals(2.0, registry.get("ares.learner.groups").tag("outcome", "other_run").counter().count());
        assertEquals(0.25, registry.get("ares.learner.loss").gauge().value());

        m.requested(5);
        m.checkpointed();
        assertEquals(5.0, registry.get("ares.learner.requests").counter().count());
        assertEquals(1.0, registry.get("ares.learner.checkpoints").counter().count());
    }
}
