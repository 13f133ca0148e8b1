package dev.ares.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ares.model.Fixtures;
import dev.ares.model.vision.GridThw;
import java.util.List;
import org.junit.jupiter.api.Test;

/** M-RoPE positions against hand-worked layouts (Qwen2-VL report §2.1; get_rope_index for still images). */
class Qwen25VlPositionsTest {
    static final int VS = 3;
    static final int VE = 4;
    static final int PAD = 5;
    final Qwen25VlConfig config = Qwen25VlConfig.load(Fixtures.dir("qwen2_5_vl-tiny"));

    @Test
    void theFixturePromptLayout() {
        // 5 text tokens, <vs>, 20 pads of a 4 x 5 merged grid (patch grid 8 x 10), <ve>, 7 text tokens
        int[] ids = new int[34];
        for (int i = 0; i < 34; i++) {
            ids[i] = 100 + i;
        }
        ids[5] = VS;
        for (int i = 6; i < 26; i++) {
            ids[i] = PAD;
        }
        ids[26] = VE;
        int[] mask = new int[34];
        java.util.Arrays.fill(mask, 1);
        Qwen25VlPositions p = Qwen25VlPositions.compute(new int[][] {ids}, new int[][] {mask},
                List.of(new GridThw(1, 8, 10)), config);
        long[] t = new long[34];
        long[] h = new long[34];
        long[] w = new long[34];
        for (int i = 0; i < 6; i++) {
            t[i] = h[i] = w[i] = i;
        }
        for (int k = 0; k < 20; k++) {
            t[6 + k] = 6;
            h[6 + k] = 6 + k / 5;
            w[6 + k] = 6 + k % 5;
        }
        for (int i = 26; i < 34; i++) {
            t[i] = h[i] = w[i] = 11 + (i - 26);     // max image position 6 + 4 = 10, then + 1
        }
        assertArrayEquals(t, p.positions()[0][0]);
        assertArrayEquals(h, p.positions()[1][0]);
        assertArrayEquals(w, p.positions()[2][0]);
        assertArrayEquals(new long[] {19 - 34}, p.deltas());
    }

    @Test
    void twoImagesInOneRowAndALeftPaddedRow() {
        // row 0: pad pad  A <vs> [2x1 merged grid: 2 pads] <ve> B <vs> [1x3 merged: 3 pads] <ve>
        // row 1: padding then text only
        int[][] ids = {
            {0, 0, 10, VS, PAD, PAD, VE, 11, VS, PAD, PAD, PAD, VE},
            {0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 21, 22, 23}};
        int[][] mask = {
            {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
            {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1}};
        Qwen25VlPositions p = Qwen25VlPositions.compute(ids, mask,
                List.of(new GridThw(1, 4, 2), new GridThw(1, 2, 6)), config);
        // row 0: text 0,1; image 1 at 2: (2,2,2),(2,3,2); <ve>=4, B=5, <vs>=6;
        // image 2 at 7: (7,7,7),(7,7,8),(7,7,9); <ve>=10
        assertArrayEquals(new long[] {1, 1, 0, 1, 2, 2, 4, 5, 6, 7, 7, 7, 10}, p.positions()[0][0]);
        assertArrayEquals(new long[] {1, 1, 0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 10}, p.positions()[1][0]);
        assertArrayEquals(new long[] {1, 1, 0, 1, 2, 2, 4, 5, 6, 7, 8, 9, 10}, p.positions()[2][0]);
        for (int a = 0; a < 3; a++) {
            assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 2, 3}, p.positions()[a][1]);
        }
        assertArrayEquals(new long[] {11 - 13, 4 - 13}, p.deltas());
    }

    @Test
    void padRunsMustMatchTheImages() {
        int[][] ids = {{10, VS, PAD, PAD, PAD, VE}};
        int[][] mask = {{1, 1, 1, 1, 1, 1}};
        assertThrows(IllegalArgumentException.class,
                () -> Qwen25VlPositions.compute(ids, mask, List.of(new GridThw(1, 2, 2)), config));   // 1 token, 3 pads
        assertThrows(IllegalArgumentException.class,
                () -> Qwen25VlPositions.compute(ids, mask, List.of(new GridThw(1, 4, 4)), config));   // 4 tokens, 3 pads
        assertThrows(IllegalArgumentException.class,
                () -> Qwen25VlPositions.compute(new int[][] {{10, 11}}, new int[][] {{1, 1}},
                        List.of(new GridThw(1, 2, 2)), config));                                       // unused image
    }

    @Test
    void sequentialNumbersRealTokens() {
        Qwen25VlPositions p = Qwen25VlPositions.sequential(new int[][] {{0, 0, 1, 1, 1}});
        for (int a = 0; a < 3; a++) {
            assertArrayEquals(new long[] {1, 1, 0, 1, 2}, p.positions()[a][0]);
        }
        assertArrayEquals(new long[] {3 - 5}, p.deltas());
    }
}
