package dev.ares.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.model.train.SftRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LevelMixTest {
    private static SftRecord rec(String id, int level) {
        return new SftRecord(id, "addition", level, "What is 1 + 2?", "<think>\n2 + 1 = 3\n</think> \\boxed{3}");
    }

    @Test
    void eachRecordIsRepeatedByItsLevelsFactorInInputOrder() {
        LevelMix mix = LevelMix.parse("6, 3,1,1,2");
        List<SftRecord> in = List.of(rec("a", 1), rec("b", 2), rec("c", 3), rec("d", 5), rec("e", 0));
        List<String> ids = new ArrayList<>();
        mix.apply(in).forEach(r -> ids.add(r.id()));
        assertEquals(List.of("a", "a", "a", "a", "a", "a", "b", "b", "b", "c", "d", "d", "e"), ids);
        assertEquals("6,3,1,1,2", mix.toString());
        assertFalse(mix.isIdentity());
        assertTrue(LevelMix.parse("1,1,1,1,1").isIdentity());
    }

    @Test
    void badSpecsNameTheEntry() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LevelMix.parse("1,2,3"))
                .getMessage().contains("five"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LevelMix.parse("1,x,1,1,1"))
                .getMessage().contains("entry 2 ('x')"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LevelMix.parse("1,1,0,1,1"))
                .getMessage().contains("entry 3 is 0"));
        assertThrows(IllegalArgumentException.class, () -> LevelMix.parse("1,1,1,1,1").repeats(6));
    }
}
