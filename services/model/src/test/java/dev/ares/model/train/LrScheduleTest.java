package dev.ares.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link LrSchedule}: warm-up line and cosine values at hand-computed points. */
class LrScheduleTest {
    @Test
    void warmupIsLinearAndCosineEndsAtTheFloor() {
        LrSchedule s = new LrSchedule(1e-3, 10, 110, 0.1);
        assertEquals(1e-4, s.at(1), 1e-15);
        assertEquals(5e-4, s.at(5), 1e-15);
        assertEquals(1e-3, s.at(10), 1e-15);
        // halfway through the decay, cos(pi/2) = 0: the mean of peak and floor
        assertEquals(0.55e-3, s.at(60), 1e-12);
        // a quarter of the way: 0.1 + 0.9 * 0.5 * (1 + cos(pi/4))
        assertEquals(1e-3 * (0.1 + 0.45 * (1 + Math.sqrt(0.5))), s.at(35), 1e-12);
        assertEquals(1e-4, s.at(110), 1e-15);
        for (int i = 11; i < 110; i++) {
            assertTrue(s.at(i + 1) < s.at(i), "decreasing after warm-up at " + i);
        }
    }

    @Test
    void noWarmupStartsBelowThePeakOnTheCosine() {
        LrSchedule s = new LrSchedule(2.0, 0, 4, 0.0);
        assertEquals(2.0 * 0.5 * (1 + Math.cos(Math.PI / 4)), s.at(1), 1e-12);
        assertEquals(0.0, s.at(4), 1e-12);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0, 0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1, 11, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1, 0, 10, 1.5));
        LrSchedule s = new LrSchedule(1, 0, 10, 0);
        assertThrows(IllegalArgumentException.class, () -> s.at(0));
        assertThrows(IllegalArgumentException.class, () -> s.at(11));
    }
}
