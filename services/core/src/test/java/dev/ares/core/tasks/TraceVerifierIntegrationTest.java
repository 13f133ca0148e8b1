package dev.ares.core.tasks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.trigger.TokenNormalizer;
import dev.ares.core.trigger.TriggerVocabulary;
import dev.ares.core.verify.AnswerVerifier;
import dev.ares.core.verify.FormatCheck;
import org.junit.jupiter.api.Test;

/**
 * The curriculum's traces against the project's own verifier and trigger vocabulary (the reward path grades the
 * model with these, so the training data must pass them): every trace passes the format check, is graded correct
 * against its answer and wrong against a different answer, and the self-checking verbosity uses trigger words.
 */
class TraceVerifierIntegrationTest {

    /** A different answer of the same form: the next letter, or the number plus one. */
    private static String wrong(String answer) {
        if (answer.length() == 1 && Character.isLetter(answer.charAt(0))) {
            return String.valueOf((char) (answer.charAt(0) == 'H' ? 'A' : answer.charAt(0) + 1));
        }
        return Long.toString(Long.parseLong(answer) + 1);
    }

    private static int triggerWords(String text, TriggerVocabulary vocab) {
        int n = 0;
        for (String w : text.split("\\s+")) {
            n += vocab.contains(TokenNormalizer.normalize(w)) ? 1 : 0;
        }
        return n;
    }

    @Test
    void tracesPassFormatAndVerifierAndSelfChecksUseTriggerWords() {
        TriggerVocabulary vocab = TriggerVocabulary.loadDefault();
        for (TaskFamily f : TaskFamilies.all()) {
            for (int level = 1; level <= 5; level++) {
                for (long seed = 0; seed < 15; seed++) {
                    Task t = f.generate(level, seed);
                    String answer = t.problem().answer();
                    for (Trace tr : TraceWriter.variants(t)) {
                        assertTrue(FormatCheck.check(tr.text()), "format: " + tr.text());
                        assertTrue(AnswerVerifier.grade(tr.text(), answer).correct(), t.problem().id() + ": " + tr.text());
                        assertFalse(AnswerVerifier.grade(tr.text(), wrong(answer)).correct(),
                                t.problem().id() + " graded correct against " + wrong(answer));
                    }
                    int terse = triggerWords(TraceWriter.write(t, 0).text(), vocab);
                    int full = triggerWords(TraceWriter.write(t, 4).text(), vocab);
                    assertTrue(full >= 2 && full > terse, t.problem().id() + ": trigger words v0 " + terse + ", v4 " + full);
                }
            }
        }
    }
}
