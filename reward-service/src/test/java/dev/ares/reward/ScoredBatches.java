package dev.ares.reward;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.scoring.AepoStepScorer;
import dev.ares.testkit.Records;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Scored batches made by a real {@link AepoStepScorer} from testkit groups. */
final class ScoredBatches {
    private ScoredBatches() {
    }

    /**
     * Scores steps 0 .. steps − 1 of {@code runId}, each of {@code groups} groups of 8 trajectories of 32 tokens.
     *
     * @return the batches, one per step, in order
     */
    static List<ScoredBatch> score(AepoStepScorer scorer, String runId, int steps, int groups) {
        List<ScoredBatch> out = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            out.addAll(scoreStep(scorer, runId, step, groups));
        }
        return out;
    }

    /** Offers the {@code groups} groups of one step; returns what the scorer published. */
    static List<ScoredBatch> scoreStep(AepoStepScorer scorer, String runId, long step, int groups) {
        List<ScoredBatch> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            out.addAll(scorer.accept(Records.group(Records.request(runId, runId + "-s" + step + "-g" + g, step,
                    groups, 8), 32, 100L * step + g)));
        }
        return out;
    }

    static AepoStepScorer freshScorer() {
        return AepoStepScorer.fresh(AepoConfig.code(), Duration.ofSeconds(60));
    }
}
