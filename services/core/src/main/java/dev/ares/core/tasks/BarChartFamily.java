package dev.ares.core.tasks;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bar charts rendered with Java2D into a 112x112 PNG: bars labelled A, B, ... with integer heights 1..9 drawn
 * against a grid line per unit (10 px per unit, y axis labelled 1..9).
 * <ul>
 *   <li>L1: four bars, "Which bar is tallest?", answer a letter A-D (the tallest leads by at least 2)</li>
 *   <li>L2: four bars, the value of the tallest bar</li>
 *   <li>L3: four bars, the difference of two named bars (positive)</li>
 *   <li>L4: four bars, the sum of all bars</li>
 *   <li>L5: six bars, the sum, or the tallest minus the shortest</li>
 * </ul>
 */
public final class BarChartFamily implements TaskFamily {

    /** Family name. */
    public static final String NAME = "bar_chart";
    static final int SIZE = 112;
    static final int BASELINE_Y = 98;
    static final int UNIT_PX = 10;
    static final int PLOT_X0 = 10;
    static final int PLOT_WIDTH = 100;
    static final Color BAR = new Color(66, 110, 200);
    static final Color GRID = new Color(215, 215, 215);
    private static final double[] BASE_PRIOR = {0.9, 0.8, 0.6, 0.45, 0.3};

    /** What the question asks. */
    public enum Question {
        /** Letter of the tallest bar. */
        TALLEST,
        /** Value of the tallest bar. */
        MAX_VALUE,
        /** Value of one bar minus another. */
        DIFFERENCE,
        /** Sum of all bars. */
        SUM,
        /** Tallest minus shortest. */
        RANGE
    }

    /**
     * The chart's content.
     *
     * @param values   bar heights 1..9, bar i is labelled {@code (char) ('A' + i)}
     * @param question what is asked
     * @param first    for {@link Question#DIFFERENCE}: index of the minuend bar, else -1
     * @param second   for {@link Question#DIFFERENCE}: index of the subtrahend bar, else -1
     */
    public record Scene(List<Integer> values, Question question, int first, int second) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Modality modality() {
        return Modality.IMAGE;
    }

    /** Draws the scene for (level, seed); {@link #generate} renders exactly this scene. */
    public Scene scene(int level, long seed) {
        TaskFamily.checkLevel(NAME, level);
        SplittableRandom r = ProblemKeys.random(NAME, level, seed);
        int n = level == 5 ? 6 : 4;
        while (true) {
            List<Integer> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                values.add(r.nextInt(1, 10));
            }
            List<Integer> sorted = values.stream().sorted().toList();
            int max = sorted.get(n - 1);
            int second = sorted.get(n - 2);
            switch (level) {
                case 1:
                    if (max - second >= 2) {
                        return new Scene(values, Question.TALLEST, -1, -1);
                    }
                    break;
                case 2:
                    return new Scene(values, Question.MAX_VALUE, -1, -1);
                case 3:
                    int a = r.nextInt(n);
                    int b = r.nextInt(n);
                    if (a != b && values.get(a) > values.get(b)) {
                        return new Scene(values, Question.DIFFERENCE, a, b);
                    }
                    break;
                case 4:
                    return new Scene(values, Question.SUM, -1, -1);
                default:
                    return new Scene(values, r.nextBoolean() ? Question.SUM : Question.RANGE, -1, -1);
            }
        }
    }

    @Override
    public Task generate(int level, long seed) {
        Scene s = scene(level, seed);
        return build(level, s, render(s));
    }

    static char label(int i) {
        return (char) ('A' + i);
    }

    /** Left x and width in pixels of bar i of n. */
    static int[] barSpan(int i, int n) {
        int slot = PLOT_WIDTH / n;
        int width = slot * 6 / 10;
        return new int[]{PLOT_X0 + i * slot + (slot - width) / 2, width};
    }

    /** Renders the chart as PNG bytes. */
    public static byte[] render(Scene s) {
        Raster canvas = new Raster(SIZE, SIZE);
        var g = canvas.g;
        for (int v = 1; v <= 9; v++) {
            int y = BASELINE_Y - v * UNIT_PX;
            g.setColor(GRID);
            g.drawLine(PLOT_X0, y, SIZE - 1, y);
            PixelFont.draw(g, Integer.toString(v), 2, y - 3, 1, Color.DARK_GRAY);
        }
        int n = s.values().size();
        for (int i = 0; i < n; i++) {
            int[] span = barSpan(i, n);
            int h = s.values().get(i) * UNIT_PX;
            g.setColor(BAR);
            g.fillRect(span[0], BASELINE_Y - h, span[1], h);
            PixelFont.drawCentred(g, String.valueOf(label(i)), span[0] + span[1] / 2, BASELINE_Y + 4, 1, Color.BLACK);
        }
        g.setColor(Color.BLACK);
        g.drawLine(PLOT_X0 - 1, BASELINE_Y - 9 * UNIT_PX, PLOT_X0 - 1, BASELINE_Y);
        g.drawLine(PLOT_X0 - 1, BASELINE_Y, SIZE - 1, BASELINE_Y);
        return canvas.png();
    }

    private static Task build(int level, Scene s, byte[] png) {
        List<Integer> v = s.values();
        int n = v.size();
        int maxIdx = 0;
        int minIdx = 0;
        for (int i = 1; i < n; i++) {
            maxIdx = v.get(i) > v.get(maxIdx) ? i : maxIdx;
            minIdx = v.get(i) < v.get(minIdx) ? i : minIdx;
        }
        int sum = v.stream().mapToInt(Integer::intValue).sum();
        String prompt;
        String answer;
        Derivation.Builder d;
        StringBuilder readings = new StringBuilder("Values:");
        for (int i = 0; i < n; i++) {
            readings.append(' ').append(label(i)).append(' ').append(v.get(i)).append(i + 1 < n ? "," : ".");
        }
        switch (s.question()) {
            case TALLEST -> {
                prompt = "Which bar is tallest?";
                answer = String.valueOf(label(maxIdx));
            }
            case MAX_VALUE -> {
                prompt = "What is the tallest bar's value?";
                answer = Integer.toString(v.get(maxIdx));
            }
            case DIFFERENCE -> {
                prompt = "What is " + label(s.first()) + " minus " + label(s.second()) + "?";
                answer = Integer.toString(v.get(s.first()) - v.get(s.second()));
            }
            case SUM -> {
                prompt = "What is the sum of all bars?";
                answer = Integer.toString(sum);
            }
            default -> {
                prompt = "What is tallest minus shortest?";
                answer = Integer.toString(v.get(maxIdx) - v.get(minIdx));
            }
        }
        d = Derivation.builder(answer);
        d.plan("Read each bar against the grid lines.");
        for (int i = 0; i < n; i++) {
            d.detail("Bar " + label(i) + " reaches the " + v.get(i) + " line.");
        }
        d.step(readings.toString());
        switch (s.question()) {
            case TALLEST, MAX_VALUE -> {
                d.step("The biggest value is " + v.get(maxIdx) + ", bar " + label(maxIdx) + ".");
                d.result(s.question() == Question.TALLEST ? "Tallest: " + answer : "Tallest value: " + answer);
                int runnerUp = v.stream().sorted().toList().get(n - 2);
                d.check("Wait, check bar " + label(maxIdx) + " again: it reaches " + v.get(maxIdx) + ". Yes.");
                d.check("But is another bar as tall? The next tallest is " + runnerUp
                        + (runnerUp == v.get(maxIdx) ? ", the same value." : ", lower. No."));
            }
            case DIFFERENCE -> {
                int a = v.get(s.first());
                int b = v.get(s.second());
                d.step(label(s.first()) + " - " + label(s.second()) + " = " + a + " - " + b + " = " + answer);
                d.result(label(s.first()) + " minus " + label(s.second()) + " = " + answer);
                d.check("Wait, check: " + answer + " + " + b + " = " + a + ". Yes.");
            }
            case SUM -> {
                StringBuilder run = new StringBuilder();
                int acc = v.get(0);
                for (int i = 1; i < n; i++) {
                    run.append(i > 1 ? ", " : "").append(acc).append(" + ").append(v.get(i)).append(" = ").append(acc + v.get(i));
                    acc += v.get(i);
                }
                d.step(run.toString());
                d.result("Sum = " + answer);
                StringBuilder rev = new StringBuilder("Let me verify in reverse: ");
                acc = v.get(n - 1);
                for (int i = n - 2; i >= 0; i--) {
                    acc += v.get(i);
                }
                rev.append(reverseSum(v)).append(" = ").append(acc).append(". Correct.");
                d.check(rev.toString());
            }
            default -> {
                d.step("Tallest " + label(maxIdx) + " is " + v.get(maxIdx) + ", shortest " + label(minIdx) + " is " + v.get(minIdx) + ".");
                d.step(v.get(maxIdx) + " - " + v.get(minIdx) + " = " + answer);
                d.result("Tallest minus shortest = " + answer);
                d.check("Wait, check: no bar is below " + v.get(minIdx) + " or above " + v.get(maxIdx) + ". Yes.");
            }
        }
        d.plan("So the answer is " + answer + ".");
        int gap = v.get(maxIdx) - v.stream().sorted().toList().get(n - 2);
        int extra = (n - 4) * 2 + (s.question() == Question.TALLEST && gap < 3 ? 1 : 0);
        Problem p = ProblemKeys.problem(NAME, level, prompt, answer, png, ProblemKeys.prior(BASE_PRIOR[level - 1], extra));
        return new Task(p, d.build());
    }

    private static String reverseSum(List<Integer> v) {
        StringBuilder s = new StringBuilder();
        for (int i = v.size() - 1; i >= 0; i--) {
            s.append(v.get(i)).append(i > 0 ? " + " : "");
        }
        return s.toString();
    }
}
