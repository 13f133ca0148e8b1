package dev.ares.model.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.protocol.CheckpointEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learner resumed from a checkpoint keeps writing checkpoints after retention has deleted the one it was loaded
 * from. Found by the soak run (docs/results/soak.md): the resumed loop took the configuration and tokenizer files of
 * its checkpoints from the checkpoint directory it had loaded, so once {@code keep-checkpoints} newer versions existed
 * every further checkpoint write failed (and the scored batch was dead-lettered).
 */
class ResumedCheckpointRetentionTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void threads() {
        FixedThreads.pin();
    }

    @Test
    void aResumedLoopCheckpointsAfterItsSourceCheckpointIsRetiredByRetention() {
        String run = ModelLearnerLoopTest.RUN;
        // keep-checkpoints is 2 in these settings; a checkpoint after every step
        try (ModelLearnerLoop loop = ModelLearnerLoopTest.open(ModelLearnerLoopTest.settings(tmp, 1, 4, 0))) {
            loop.train(LearnerBatches.batch(run, 0, 3, 4, 0, 21), 0, 0);
            loop.train(LearnerBatches.batch(run, 1, 3, 4, 0, 21), 0, 1);
        }
        try (ModelLearnerLoop resumed = ModelLearnerLoopTest.open(ModelLearnerLoopTest.settings(tmp, 1, 4, 0))) {
            assertEquals(2, resumed.book().policyVersion(), "resumed from v2");
            Path loadedFrom = tmp.resolve(run).resolve("v000002");
            assertTrue(Files.isDirectory(loadedFrom), "the resumed policy's own checkpoint exists at first: " + loadedFrom);
            CheckpointEvent last = null;
            for (int step = 2; step < 5; step++) {
                last = resumed.train(LearnerBatches.batch(run, step, 3, 4, 0, 21), 0, step).checkpoint().orElseThrow();
            }
            assertFalse(Files.exists(loadedFrom), "retention deleted the checkpoint the policy was loaded from");
            assertEquals(5, last.version(), "v3, v4 and v5 were written");
            assertTrue(Files.isRegularFile(Path.of(java.net.URI.create(last.uri())).resolve("config.json")));
        }
    }
}
