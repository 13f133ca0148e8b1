package dev.ares.core.aepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ResponseStatsTest {

    @Test
    void countsTriggersWhoseForwardWindowReachesTau() {
        // forward-exclusive window of 2: mean of H[t+1], H[t+2]
        float[] h = {0f, 3f, 3f, 0f, 0f, 1f, 1f};
        boolean[] trig = {true, false, false, true, false, false, false};
        // t=0: mean(3,3)=3 >= 2 -> event; t=3: mean(0,1)=0.5 < 2 -> none
        ResponseStats s = ResponseStats.of(h, trig, 2, Windows.Mode.FORWARD_EXCLUSIVE, 2.0);
        assertEquals(1, s.hweCount());
        assertEquals(8.0 / 7.0, s.meanEntropy(), 1e-9);
        // lowering tau below 0.5 makes the second trigger an event too
        assertEquals(2, ResponseStats.of(h, trig, 2, Windows.Mode.FORWARD_EXCLUSIVE, 0.4).hweCount());
    }

    @Test
    void emptyResponseAndMismatchedArrays() {
        assertEquals(new ResponseStats(0, 0.0), ResponseStats.of(new float[0], new boolean[0], 4, Windows.Mode.FORWARD_EXCLUSIVE, 1));
        assertThrows(IllegalArgumentException.class,
                () -> ResponseStats.of(new float[3], new boolean[2], 4, Windows.Mode.FORWARD_EXCLUSIVE, 1));
    }
}
