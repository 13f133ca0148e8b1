package dev.ares.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Setup fingerprints, the training summary, the reading block and old run files of {@code ./ares experiment}. */
class ExperimentBookkeepingTest {

    private static ExperimentSetup setup(String sha, int steps) {
        return new ExperimentSetup(sha, List.of("addition", "compare"), steps, 8, 8, 96, 1e-4, 2, 6, 4);
    }

    @Test
    void setupIsRecordedOnceAndAnotherSetupIsRefused(@TempDir Path dir) throws Exception {
        setup("aa", 20).requireSame(dir, false);
        assertTrue(Files.isRegularFile(dir.resolve(ExperimentSetup.FILE)));
        setup("aa", 20).requireSame(dir, true); // same setup: resumes
        IllegalStateException otherColdStart = assertThrows(IllegalStateException.class,
                () -> setup("bb", 20).requireSame(dir, true));
        assertTrue(otherColdStart.getMessage().contains("another experiment setup"), otherColdStart.getMessage());
        assertThrows(IllegalStateException.class, () -> setup("aa", 40).requireSame(dir, true));
    }

    @Test
    void runsWithoutASetupAreRefused(@TempDir Path dir) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> setup("aa", 20).requireSame(dir, true));
        assertTrue(e.getMessage().contains("without a setup.json"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(ExperimentSetup.FILE)));
    }

    @Test
    void coldStartShaIsOfTheWeights(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("model.safetensors"), "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        // SHA-256("abc"), FIPS 180-2 appendix B.1
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ExperimentSetup.coldStartSha(dir));
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        assertThrows(IllegalArgumentException.class, () -> ExperimentSetup.coldStartSha(empty));
    }

    @Test
    void summaryAveragesKlOnlyOverStepsThatTrained() {
        TrainingSummary s = new TrainingSummary();
        s.add(Map.of("hwe/rate", 0.5, "train/tokens", 100.0, "kl/mean", 0.2, "outcome/groups/filtered", 6.0,
                "outcome/groups/trained", 2.0));
        s.add(Map.of("hwe/rate", 0.0, "train/tokens", 0.0, "outcome/groups/filtered", 8.0, "outcome/groups/trained", 0.0));
        s.add(Map.of("hwe/rate", 0.25, "train/tokens", 50.0, "kl/mean", 0.4, "outcome/groups/filtered", 7.0,
                "outcome/groups/trained", 1.0));
        Map<String, Double> m = s.toMap();
        assertEquals(3.0, m.get("steps"));
        assertEquals(0.25, m.get("hwe/rate"), 1e-12);
        assertEquals(150.0, m.get("train/tokens"));
        assertEquals(21.0, m.get("outcome/groups/filtered"));
        assertEquals(3.0, m.get("outcome/groups/trained"));
        assertEquals(0.3, m.get("kl/mean"), 1e-12);
        assertEquals(0.4, m.get("kl/last"));
        assertFalse(m.containsKey("reward/mean"));
    }

    @Test
    void readingBlockSurvivesRegeneration(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("exp.md");
        assertEquals("# T\nnew\n", ReadingNotes.keep(md, "# T\nnew\n"));
        Files.writeString(md, "# T\n\n" + ReadingNotes.BEGIN + "\nmy reading\n" + ReadingNotes.END + "\nold table\n");
        String next = ReadingNotes.keep(md, "# T\nnew table\n");
        assertEquals("# T\n\n" + ReadingNotes.BEGIN + "\nmy reading\n" + ReadingNotes.END + "\nnew table\n", next);
        Files.writeString(md, "# T\n" + ReadingNotes.BEGIN + "\nunterminated\n");
        assertThrows(IllegalStateException.class, () -> ReadingNotes.keep(md, "# T\n"));
    }

    @Test
    void runFilesOfTheOlderLayoutStillRead(@TempDir Path dir) throws Exception {
        Path f = RunResult.file(dir, "iid", 3);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "{\"mode\":\"iid\",\"seed\":3,\"steps\":5,\"trainSeconds\":12.5,\"rolloutTokens\":777,"
                + "\"byBucket\":{},\"byLevel\":{}}");
        RunResult r = RunResult.read(f);
        assertEquals(777, r.trainedTokens());
        assertTrue(r.training().isEmpty());
        RunResult withTraining = new RunResult("iid", 4, 5, 1.0, 9, Map.of(), Map.of(), Map.of("hwe/rate", 0.125));
        withTraining.write(dir);
        assertEquals(withTraining, RunResult.read(RunResult.file(dir, "iid", 4)));
    }
}
