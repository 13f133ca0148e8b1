package dev.ares.reward;

import dev.ares.core.compute.Readiness;
import dev.ares.core.compute.StepScorer;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.testkit.Records;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Test double of the scoring step: a step is complete with two groups; "reject" source groups are refused. */
@Alternative
@Priority(1)
@Singleton
public class FakeStepScorer implements StepScorer {
    private final Map<Long, List<RolloutGroup>> open = new TreeMap<>();
    private final Set<Long> expireNow = new HashSet<>();

    @Override
    public synchronized List<ScoredBatch> accept(RolloutGroup group) {
        if ("reject".equals(group.source())) {
            throw new IllegalArgumentException("group " + group.groupId() + " is inconsistent with its step");
        }
        List<RolloutGroup> groups = open.computeIfAbsent(group.step(), s -> new ArrayList<>());
        groups.add(group);
        if (groups.size() < 2) {
            return List.of();
        }
        open.remove(group.step());
        return List.of(Records.batch(group.step(), groups));
    }

    /** Marks a step so that the next {@link #expire} flushes it as a partial batch. */
    synchronized void expireStep(long step) {
        expireNow.add(step);
    }

    @Override
    public synchronized List<ScoredBatch> expire(long nowMillis) {
        List<ScoredBatch> out = new ArrayList<>();
        for (Long step : expireNow) {
            List<RolloutGroup> groups = open.remove(step);
            if (groups != null) {
                ScoredBatch full = Records.batch(step, groups);
                out.add(new ScoredBatch(full.runId(), step, full.groups(), full.stats(), true));
            }
        }
        expireNow.clear();
        return out;
    }

    @Override
    public synchronized Set<Long> openSteps() {
        return new HashSet<>(open.keySet());
    }

    @Override
    public Readiness readiness() {
        return Readiness.up("controller state restored");
    }
}
