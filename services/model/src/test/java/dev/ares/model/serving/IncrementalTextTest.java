package dev.ares.model.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class IncrementalTextTest {
    /** A byte-level decoder: token id = one byte (0..255); invalid UTF-8 decodes to U+FFFD as HF's decoder does. */
    private static final Function<int[], String> BYTES = ids -> {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            b[i] = (byte) ids[i];
        }
        return new String(b, StandardCharsets.UTF_8);
    };

    private static int[] bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }

    @Test
    void deltasConcatenateToTheTextAndNeverSplitACharacter() {
        String text = "héllo wörld ✓ 𝔸 end";
        IncrementalText t = new IncrementalText(BYTES, List.of());
        StringBuilder seen = new StringBuilder();
        for (int id : bytes(text)) {
            String d = t.append(id);
            assertFalse(d.contains("\uFFFD"), "a partial character was emitted: " + d);
            seen.append(d);
        }
        seen.append(t.flush());
        assertEquals(text, seen.toString());
        assertEquals(text, t.finish());
    }

    @Test
    void stopStringEndsTheTextBeforeItAndIsNeverEmitted() {
        IncrementalText t = new IncrementalText(BYTES, List.of("STOP", "##"));
        StringBuilder seen = new StringBuilder();
        for (int id : bytes("abc STO and STOP more")) {
            seen.append(t.append(id));
            if (t.stopped()) {
                break;
            }
        }
        assertTrue(t.stopped());
        seen.append(t.flush());
        assertEquals("abc STO and ", seen.toString());
        assertEquals("abc STO and ", t.finish());
    }

    @Test
    void randomTextsAndStopsAgreeWithTheOneShotRule() {
        SplittableRandom rng = new SplittableRandom(7);
        String alphabet = "ab #é";
        for (int trial = 0; trial < 300; trial++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + rng.nextInt(30);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(rng.nextInt(alphabet.length())));
            }
            String stop = "" + alphabet.charAt(rng.nextInt(alphabet.length())) + alphabet.charAt(rng.nextInt(alphabet.length()));
            String text = sb.toString();
            int at = text.indexOf(stop);
            String expected = at >= 0 ? text.substring(0, at) : text;
            IncrementalText t = new IncrementalText(BYTES, List.of(stop));
            StringBuilder seen = new StringBuilder();
            for (int id : bytes(text)) {
                seen.append(t.append(id));
                if (t.stopped()) {
                    break;
                }
            }
            seen.append(t.flush());
            assertEquals(expected, seen.toString(), "text '" + text + "' stop '" + stop + "'");
            assertEquals(at >= 0, t.stopped(), "stopped? text '" + text + "' stop '" + stop + "'");
        }
    }
}
