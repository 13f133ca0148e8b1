package dev.ares.core.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Recomputes every generator's answer at every level from the prompt text (and, for image families, from the decoded
 * PNG pixels), without using the generators' own arithmetic.
 */
class GeneratorAnswerTest {

    private static final int SEEDS = 150;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void additionAnswersAreTheSumOfTheOperands(int level) {
        Pattern p = Pattern.compile("What is (\\d+(?: \\+ \\d+)+)\\?");
        for (long seed = 0; seed < SEEDS; seed++) {
            Problem pr = new AdditionFamily().generate(level, seed).problem();
            Matcher m = p.matcher(pr.prompt());
            assertTrue(m.matches(), pr.prompt());
            List<Long> ops = new ArrayList<>();
            for (String s : m.group(1).split(" \\+ ")) {
                ops.add(Long.parseLong(s));
            }
            assertEquals(ops.stream().mapToLong(Long::longValue).sum(), Long.parseLong(pr.answer()), pr.prompt());
            if (level == 1) {
                assertEquals(2, ops.size());
                assertTrue(ops.stream().allMatch(v -> v >= 1 && v <= 9), pr.prompt());
                assertTrue(pr.prompt().length() < 60);
            }
            assertEquals(level >= 4 ? 3 : 2, ops.size(), pr.prompt());
            assertNull(pr.image());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void subtractionAnswersAreNonNegativeDifferences(int level) {
        Pattern p = Pattern.compile("What is (\\d+(?: - \\d+)+)\\?");
        for (long seed = 0; seed < SEEDS; seed++) {
            Problem pr = new SubtractionFamily().generate(level, seed).problem();
            Matcher m = p.matcher(pr.prompt());
            assertTrue(m.matches(), pr.prompt());
            String[] parts = m.group(1).split(" - ");
            BigInteger v = new BigInteger(parts[0]);
            for (int i = 1; i < parts.length; i++) {
                v = v.subtract(new BigInteger(parts[i]));
            }
            assertEquals(v.toString(), pr.answer(), pr.prompt());
            assertTrue(v.signum() >= 0, pr.prompt());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void multiplicationAnswersAreProducts(int level) {
        Pattern p = Pattern.compile("What is (\\d+) × (\\d+)\\?");
        int[] digitsA = {1, 2, 3, 2, 3};
        int[] digitsB = {1, 1, 1, 2, 2};
        for (long seed = 0; seed < SEEDS; seed++) {
            Problem pr = new MultiplicationFamily().generate(level, seed).problem();
            Matcher m = p.matcher(pr.prompt());
            assertTrue(m.matches(), pr.prompt());
            assertEquals(digitsA[level - 1], m.group(1).length(), pr.prompt());
            assertEquals(digitsB[level - 1], m.group(2).length(), pr.prompt());
            BigInteger prod = new BigInteger(m.group(1)).multiply(new BigInteger(m.group(2)));
            assertEquals(prod.toString(), pr.answer(), pr.prompt());
        }
    }

    /** Parses one side "3x + 4", "x", "-2x - 5", "7" into {coefficient, constant}. */
    private static long[] side(String s) {
        Matcher m = Pattern.compile("^(?:(-?\\d*)x)?(?:\\s*([+-])\\s*(\\d+))?$|^(-?\\d+)$").matcher(s.trim());
        assertTrue(m.matches(), "side '" + s + "'");
        if (m.group(4) != null) {
            return new long[]{0, Long.parseLong(m.group(4))};
        }
        String c = m.group(1);
        long coef = c.isEmpty() ? 1 : c.equals("-") ? -1 : Long.parseLong(c);
        long cons = m.group(3) == null ? 0 : Long.parseLong(m.group(3)) * (m.group(2).equals("-") ? -1 : 1);
        return new long[]{coef, cons};
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void linearAnswersSatisfyTheEquationUniquely(int level) {
        Pattern p = Pattern.compile("Solve (.+) = (.+)\\.");
        boolean sawNegative = false;
        for (long seed = 0; seed < SEEDS; seed++) {
            Problem pr = new LinearEquationFamily().generate(level, seed).problem();
            Matcher m = p.matcher(pr.prompt());
            assertTrue(m.matches(), pr.prompt());
            long[] l = side(m.group(1));
            long[] r = side(m.group(2));
            long x = Long.parseLong(pr.answer());
            assertTrue(l[0] != r[0], "unique solution needs different coefficients: " + pr.prompt());
            assertEquals(l[0] * x + l[1], r[0] * x + r[1], pr.prompt() + " with x = " + x);
            sawNegative |= x < 0;
        }
        assertEquals(level == 5, sawNegative, "negative solutions appear at level 5 only");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void comparisonAnswersHoldInEveryConsistentOrder(int level) {
        Pattern fact = Pattern.compile("([A-H]) ([<>]) ([A-H])");
        for (long seed = 0; seed < SEEDS; seed++) {
            Problem pr = new ComparisonChainFamily().generate(level, seed).problem();
            boolean largest = pr.prompt().endsWith("largest?") || pr.prompt().endsWith("larger?");
            assertTrue(largest || pr.prompt().endsWith("smallest?") || pr.prompt().endsWith("smaller?"), pr.prompt());
            List<char[]> facts = new ArrayList<>();
            Set<Character> letters = new HashSet<>();
            Matcher m = fact.matcher(pr.prompt());
            while (m.find()) {
                char a = m.group(1).charAt(0);
                char b = m.group(3).charAt(0);
                facts.add(m.group(2).equals(">") ? new char[]{a, b} : new char[]{b, a}); // {bigger, smaller}
                letters.add(a);
                letters.add(b);
            }
            assertEquals(level == 1 ? 2 : level <= 3 ? 3 : level, letters.size(), pr.prompt());
            // brute force: every ranking of the letters consistent with all facts
            List<Character> ls = new ArrayList<>(letters);
            Set<Character> extremes = new HashSet<>();
            permute(ls, 0, facts, largest, extremes);
            assertEquals(Set.of(pr.answer().charAt(0)), extremes, pr.prompt());
        }
    }

    private static void permute(List<Character> ls, int k, List<char[]> facts, boolean largest, Set<Character> out) {
        if (k == ls.size()) {
            Map<Character, Integer> rank = new HashMap<>();
            for (int i = 0; i < ls.size(); i++) {
                rank.put(ls.get(i), i); // index 0 = largest
            }
            for (char[] f : facts) {
                if (rank.get(f[0]) > rank.get(f[1])) {
                    return;
                }
            }
            out.add(largest ? ls.get(0) : ls.get(ls.size() - 1));
            return;
        }
        for (int i = k; i < ls.size(); i++) {
            java.util.Collections.swap(ls, k, i);
            permute(ls, k + 1, facts, largest, out);
            java.util.Collections.swap(ls, k, i);
        }
    }

    /** Bar heights measured from the PNG: runs of bar colour just above the x axis, then the run's height / 10 px. */
    private static List<Integer> measureBars(byte[] png) {
        BufferedImage img = ImageProbe.decode(png);
        int barRgb = BarChartFamily.BAR.getRGB() & 0xFFFFFF;
        int probeY = 97;
        List<Integer> values = new ArrayList<>();
        int x = 0;
        while (x < img.getWidth()) {
            if (ImageProbe.rgb(img, x, probeY) != barRgb) {
                x++;
                continue;
            }
            int start = x;
            while (x < img.getWidth() && ImageProbe.rgb(img, x, probeY) == barRgb) {
                x++;
            }
            int cx = (start + x - 1) / 2;
            int h = 0;
            for (int y = probeY; y >= 0 && ImageProbe.rgb(img, cx, y) == barRgb; y--) {
                h++;
            }
            assertEquals(0, h % 10, "bar height in px must be a whole number of units");
            values.add(h / 10);
        }
        return values;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void barChartAnswersFollowFromTheMeasuredBars(int level) {
        Pattern diff = Pattern.compile("What is ([A-F]) minus ([A-F])\\?");
        for (long seed = 0; seed < 60; seed++) {
            Problem pr = new BarChartFamily().generate(level, seed).problem();
            assertEquals("image/png", pr.imageMime());
            BufferedImage img = ImageProbe.decode(pr.image());
            assertEquals(112, img.getWidth());
            assertEquals(112, img.getHeight());
            List<Integer> v = measureBars(pr.image());
            assertEquals(level == 5 ? 6 : 4, v.size(), pr.id());
            int max = v.stream().max(Integer::compare).orElseThrow();
            int min = v.stream().min(Integer::compare).orElseThrow();
            String expected;
            Matcher m = diff.matcher(pr.prompt());
            if (pr.prompt().equals("Which bar is tallest?")) {
                assertEquals(1, v.stream().filter(h -> h == max).count(), "unique tallest bar");
                expected = String.valueOf((char) ('A' + v.indexOf(max)));
                assertTrue("ABCD".contains(expected));
            } else if (pr.prompt().equals("What is the tallest bar's value?")) {
                expected = Integer.toString(max);
            } else if (m.matches()) {
                expected = Integer.toString(v.get(m.group(1).charAt(0) - 'A') - v.get(m.group(2).charAt(0) - 'A'));
            } else if (pr.prompt().equals("What is the sum of all bars?")) {
                expected = Integer.toString(v.stream().mapToInt(Integer::intValue).sum());
            } else {
                assertEquals("What is tallest minus shortest?", pr.prompt());
                expected = Integer.toString(max - min);
            }
            assertEquals(expected, pr.answer(), pr.prompt() + " bars " + v);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void shapeCountAnswersFollowFromTheDecodedPixels(int level) {
        Pattern q = Pattern.compile("How many (red|green|blue|yellow) (shapes|circles|squares|triangles)\\?");
        for (long seed = 0; seed < 60; seed++) {
            Problem pr = new ShapeCountFamily().generate(level, seed).problem();
            Matcher m = q.matcher(pr.prompt());
            assertTrue(m.matches(), pr.prompt());
            assertEquals(level >= 4, !m.group(2).equals("shapes"), pr.prompt());
            int rgb = ShapeCountFamily.Hue.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT)).rgb();
            BufferedImage img = ImageProbe.decode(pr.image());
            int count = 0;
            for (ImageProbe.Component c : ImageProbe.components(img, rgb)) {
                assertTrue(c.pixels() > 40, "no stray pixels of the target colour: " + c);
                double fill = c.fill();
                String kind = fill > 0.92 ? "squares" : fill > 0.65 ? "circles" : "triangles";
                if (m.group(2).equals("shapes") || m.group(2).equals(kind)) {
                    count++;
                }
            }
            assertEquals(Integer.toString(count), pr.answer(), pr.prompt() + " " + pr.id());
            assertTrue(count >= 1);
        }
    }

    /** Reads the number drawn in a table cell by matching 1- and 2-digit renderings against every pixel of the cell. */
    private static int readCell(BufferedImage img, int x0, int y0) {
        for (int k = 1; k <= 2; k++) {
            int lo = k == 1 ? 0 : 10;
            int hi = k == 1 ? 9 : 99;
            for (int v = lo; v <= hi; v++) {
                if (cellMatches(img, x0, y0, Integer.toString(v))) {
                    return v;
                }
            }
        }
        throw new AssertionError("no number matches the cell at " + x0 + "," + y0);
    }

    private static boolean cellMatches(BufferedImage img, int x0, int y0, String text) {
        int scale = 2;
        int tw = (text.length() * 6 - 1) * scale;
        int left = x0 + 14 - tw / 2;
        int top = y0 + 4;
        for (int y = y0 + 1; y < y0 + 22; y++) {
            for (int x = x0 + 1; x < x0 + 27; x++) {
                boolean ink = ImageProbe.rgb(img, x, y) == 0;
                boolean expected = false;
                int gx = (x - left) / scale;
                int gy = (y - top) / scale;
                if (x >= left && y >= top && gy < 7 && gx < text.length() * 6 && gx % 6 < 5) {
                    expected = PixelFont.isSet(text.charAt(gx / 6), gx % 6, gy);
                }
                if (ink != expected) {
                    return false;
                }
            }
        }
        return true;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void tableAnswersFollowFromTheDecodedCells(int level) {
        int n = new int[]{2, 4, 3, 3, 4}[level - 1];
        Pattern read = Pattern.compile("What is in ([A-D])([1-4])\\?");
        Pattern diff = Pattern.compile("What is ([A-D])([1-4]) minus ([A-D])([1-4])\\?");
        Pattern row = Pattern.compile("What is the sum of row ([A-D])\\?");
        Pattern col = Pattern.compile("What is the sum of column ([1-4])\\?");
        for (long seed = 0; seed < 25; seed++) {
            Problem pr = new TableReadFamily().generate(level, seed).problem();
            BufferedImage img = ImageProbe.decode(pr.image());
            assertEquals(140, img.getWidth());
            assertEquals(112, img.getHeight());
            int[][] cells = new int[n][n];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    cells[r][c] = readCell(img, (c + 1) * 28, (r + 1) * 22);
                }
            }
            Matcher m;
            int expected;
            if ((m = read.matcher(pr.prompt())).matches()) {
                expected = cells[m.group(1).charAt(0) - 'A'][Integer.parseInt(m.group(2)) - 1];
            } else if ((m = diff.matcher(pr.prompt())).matches()) {
                expected = cells[m.group(1).charAt(0) - 'A'][Integer.parseInt(m.group(2)) - 1]
                        - cells[m.group(3).charAt(0) - 'A'][Integer.parseInt(m.group(4)) - 1];
                assertTrue(expected > 0);
            } else if ((m = row.matcher(pr.prompt())).matches()) {
                expected = java.util.Arrays.stream(cells[m.group(1).charAt(0) - 'A']).sum();
            } else {
                m = col.matcher(pr.prompt());
                assertTrue(m.matches(), pr.prompt());
                int c = Integer.parseInt(m.group(1)) - 1;
                expected = 0;
                for (int r = 0; r < n; r++) {
                    expected += cells[r][c];
                }
            }
            assertEquals(Integer.toString(expected), pr.answer(), pr.prompt() + " " + pr.id());
        }
    }

    @Test
    void levelsOutsideOneToFiveAreRejectedWithTheFamilyName() {
        for (TaskFamily f : TaskFamilies.all()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.generate(0, 1));
            assertTrue(e.getMessage().contains(f.name()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.generate(6, 1));
        }
        assertThrows(IllegalArgumentException.class, () -> TaskFamilies.byName("nope"));
    }

    @Test
    void familiesCoverFiveTextAndThreeImageKindsWithShortLevelOnePrompts() {
        assertEquals(5, TaskFamilies.of(Modality.TEXT).size());
        assertEquals(3, TaskFamilies.of(Modality.IMAGE).size());
        for (TaskFamily f : TaskFamilies.all()) {
            for (int level = 1; level <= 5; level++) {
                Problem p = f.generate(level, 3).problem();
                assertNotNull(p.answer());
                assertFalse(p.answer().isBlank());
                assertTrue(p.difficultyPrior() > 0 && p.difficultyPrior() < 1);
                assertTrue(p.id().startsWith(f.name() + "-L" + level + "-"), p.id());
                assertEquals(f.modality() == Modality.IMAGE, p.hasImage());
                if (level == 1) {
                    assertTrue(p.prompt().length() <= 40, "short level-1 prompt: " + p.prompt());
                }
            }
        }
    }

    @Test
    void meanDifficultyPriorFallsWithLevel() {
        for (TaskFamily f : TaskFamilies.all()) {
            double prev = 1.0;
            for (int level = 1; level <= 5; level++) {
                double sum = 0;
                for (long seed = 0; seed < 40; seed++) {
                    sum += f.generate(level, seed).problem().difficultyPrior();
                }
                double mean = sum / 40;
                assertTrue(mean < prev, f.name() + " L" + level + " prior " + mean + " !< " + prev);
                prev = mean;
            }
        }
    }
}
