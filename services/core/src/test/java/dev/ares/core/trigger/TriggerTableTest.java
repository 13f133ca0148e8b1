package dev.ares.core.trigger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trigger vocabulary loading, token normalisation and the per-id table. */
class TriggerTableTest {

    @Test
    void defaultListHasAtLeastHundredPlainWords() {
        TriggerVocabulary v = TriggerVocabulary.loadDefault();
        System.out.println("default trigger vocabulary: " + v.words().size() + " words");
        assertTrue(v.words().size() >= 100, "only " + v.words().size() + " words");
        for (String w : List.of("wait", "however", "therefore", "thus", "maybe", "alternatively", "because")) {
            assertTrue(v.contains(w), w);
        }
        assertFalse(v.contains("the"));
        assertFalse(v.contains("x"));
        for (String w : v.words()) {
            assertEquals(TokenNormalizer.normalize(w), w, "stored words are normalised");
        }
    }

    @Test
    void normalisesByteLevelAndSentencePieceMarkers() {
        assertEquals("however", TokenNormalizer.normalize("\u0120However"));
        assertEquals("but", TokenNormalizer.normalize("\u2581but"));
        assertEquals("wait", TokenNormalizer.normalize(" Wait,"));
        assertEquals("so", TokenNormalizer.normalize("\u010ASo"));
        assertEquals("let's", TokenNormalizer.normalize("\u0120Let's"));
        assertEquals("", TokenNormalizer.normalize("<0x0A>"));
        assertEquals("", TokenNormalizer.normalize("<|im_end|>"));
        assertEquals("", TokenNormalizer.normalize("\u0120..."));
        assertEquals("", TokenNormalizer.normalize(null));
    }

    @Test
    void buildsTheTableAndAVersionIdThatTracksListAndVocab() {
        String[] vocab = {"<|endoftext|>", "\u0120wait", "Wait", "\u0120x", "\u0120However", ",", "\u2581thus",
            null, "\u0120hmm", "ever", "\u0120waiting", "2"};
        TriggerVocabulary words = TriggerVocabulary.of(List.of("wait", "however", "thus", "hmm"), "test");
        TriggerTable t = TriggerTable.build(vocab, words);
        assertArrayEquals(new boolean[] {false, true, true, false, true, false, true, false, true, false, false, false},
                t.toArray());
        assertEquals(5, t.triggerCount());
        assertArrayEquals(new boolean[] {true, false, true}, t.flags(new int[] {1, 3, 6}));
        assertThrows(IndexOutOfBoundsException.class, () -> t.isTrigger(12));
        assertTrue(t.versionId().matches("tt-[0-9a-f]{16}"), t.versionId());

        assertEquals(t.versionId(), TriggerTable.build(vocab.clone(), words).versionId(), "deterministic");
        String[] other = vocab.clone();
        other[3] = "\u0120y";
        assertNotEquals(t.versionId(), TriggerTable.build(other, words).versionId(), "vocab change");
        TriggerVocabulary more = TriggerVocabulary.of(List.of("wait", "however", "thus", "hmm", "so"), "test");
        assertNotEquals(t.versionId(), TriggerTable.build(vocab, more).versionId(), "list change");
    }

    @Test
    void loadsAConfiguredFileAndReportsBadLines(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("words.txt");
        Files.writeString(good, "# mine\nWait\n\nthus  # comment\n");
        TriggerVocabulary v = TriggerVocabulary.resolve(good.toString());
        assertEquals(List.of("thus", "wait"), List.copyOf(v.words()));
        assertEquals(TriggerVocabulary.loadDefault().words(), TriggerVocabulary.resolve(null).words());

        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "wait\nso then\n");
        TriggerVocabularyException e = assertThrows(TriggerVocabularyException.class, () -> TriggerVocabulary.load(bad));
        assertTrue(e.getMessage().contains("bad.txt:2"), e.getMessage());
        Path punct = dir.resolve("punct.txt");
        Files.writeString(punct, "wait\n...\n");
        e = assertThrows(TriggerVocabularyException.class, () -> TriggerVocabulary.load(punct));
        assertTrue(e.getMessage().contains("punct.txt:2"), e.getMessage());
        assertThrows(TriggerVocabularyException.class, () -> TriggerVocabulary.load(dir.resolve("missing.txt")));
    }

    @Test
    void triggerWordsAreFoundAcrossSubTokensAndOnlyWhenTheWordEnds() {
        String[] vocab = {"<|im_end|>", "\u0120wa", "it", "ing", ",", "\u0120so", "me", "\u0120check", "\u0120x",
            "\u0120Let", "'s", "'", "\u0120wait", " Wait."};
        TriggerTable t = TriggerTable.build(vocab, TriggerVocabulary.of(List.of("wait", "so", "check", "let's"), "test"));
        assertArrayEquals(new boolean[] {false, true, false}, t.flags(new int[] {1, 2, 4}), "wa+it then comma");
        assertArrayEquals(new boolean[] {false, false, false}, t.flags(new int[] {1, 2, 3}), "waiting is no trigger");
        assertArrayEquals(new boolean[] {false, true}, t.flags(new int[] {1, 2}), "the response end completes a word");
        assertArrayEquals(new boolean[] {false, false}, t.flags(new int[] {5, 6}), "some is no trigger");
        assertArrayEquals(new boolean[] {true, false}, t.flags(new int[] {5, 0}), "a special token ends a word");
        assertArrayEquals(new boolean[] {false, true, false}, t.flags(new int[] {9, 10, 8}), "let's with apostrophe");
        assertArrayEquals(new boolean[] {true, false, false}, t.flags(new int[] {12, 11, 8}), "trailing apostrophe");
        assertArrayEquals(new boolean[] {true, true, true}, t.flags(new int[] {13, 12, 7}), "punctuation inside a token");
        assertArrayEquals(new boolean[] {false, false}, t.flags(new int[] {12, 2}), "wait+it is one word, waitit");
        assertThrows(IndexOutOfBoundsException.class, () -> t.flags(new int[] {14}));
    }

    @Test
    void wordLevelFlagsEqualTheTokenTableForWholeWordTokensAndStreamingEqualsBatch() {
        String[] vocab = {"<|im_end|>", "\u0120wait", "\u0120the", "\u0120so", "\u0120x", ",", "\u0120However",
            "\u0120wa", "it", "ever", "\u0120how", "\u2581thus"};
        TriggerTable t = TriggerTable.build(vocab,
                TriggerVocabulary.of(List.of("wait", "so", "however", "thus"), "test"));
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        for (int trial = 0; trial < 300; trial++) {
            // whole-word tokens (each starts a new word): word-level flags equal the per-token table
            int[] whole = rnd.ints(1 + rnd.nextInt(30), 0, 7).toArray();
            boolean[] expect = new boolean[whole.length];
            for (int i = 0; i < whole.length; i++) {
                expect[i] = t.isTrigger(whole[i]);
            }
            assertArrayEquals(expect, t.flags(whole), java.util.Arrays.toString(whole));
            // any tokens: pushing one at a time gives the batch result
            int[] any = rnd.ints(1 + rnd.nextInt(30), 0, vocab.length).toArray();
            boolean[] streamed = new boolean[any.length];
            WordTriggerMatcher m = t.matcher();
            for (int i = 0; i < any.length; i++) {
                m.push(any[i], streamed, i);
            }
            m.finish(streamed);
            assertArrayEquals(t.flags(any), streamed, java.util.Arrays.toString(any));
        }
        assertArrayEquals(new boolean[] {false, true, false}, t.flags(new int[] {10, 9, 4}), "how+ever = however");
    }
}
