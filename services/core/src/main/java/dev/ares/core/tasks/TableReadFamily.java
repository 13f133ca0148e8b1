package dev.ares.core.tasks;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Reading values from a rendered table in a 140x112 PNG: a header row of column numbers 1.., a header column of row
 * letters A.., and integer cells drawn with {@link PixelFont} at scale 2. Cells are named like {@code B2} (row B,
 * column 2).
 * <ul>
 *   <li>L1: 2x2 table of values 1..9, read one cell</li>
 *   <li>L2: 4x4 table of values 10..99, read one cell</li>
 *   <li>L3: 3x3 table, one cell minus another (positive)</li>
 *   <li>L4: 3x3 table, the sum of a row</li>
 *   <li>L5: 4x4 table, the sum of a column</li>
 * </ul>
 */
public final class TableReadFamily implements TaskFamily {

    /** Family name. */
    public static final String NAME = "table_read";
    static final int WIDTH = 140;
    static final int HEIGHT = 112;
    static final int CELL_W = 28;
    static final int CELL_H = 22;
    static final int SCALE = 2;
    private static final double[] BASE_PRIOR = {0.88, 0.72, 0.55, 0.42, 0.3};

    /** What the question asks. */
    public enum Question {
        /** One cell's value. */
        READ,
        /** Cell (r1,c1) minus cell (r2,c2). */
        DIFFERENCE,
        /** Sum of row r1. */
        ROW_SUM,
        /** Sum of column c1. */
        COLUMN_SUM
    }

    /**
     * The table and the question; rows and columns are 0-based, the prompt names them A.. and 1...
     *
     * @param cells    the values, {@code cells.get(row).get(col)}
     * @param question what is asked
     * @param r1       first row (READ, DIFFERENCE, ROW_SUM), else -1
     * @param c1       first column (READ, DIFFERENCE, COLUMN_SUM), else -1
     * @param r2       DIFFERENCE: row of the subtrahend, else -1
     * @param c2       DIFFERENCE: column of the subtrahend, else -1
     */
    public record Scene(List<List<Integer>> cells, Question question, int r1, int c1, int r2, int c2) {
        /** Value at (row, col). */
        public int at(int row, int col) {
            return cells.get(row).get(col);
        }
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
        int n = switch (level) {
            case 1 -> 2;
            case 2, 5 -> 4;
            default -> 3;
        };
        while (true) {
            List<List<Integer>> cells = new ArrayList<>();
            for (int row = 0; row < n; row++) {
                List<Integer> line = new ArrayList<>();
                for (int col = 0; col < n; col++) {
                    line.add(level == 1 ? r.nextInt(1, 10) : r.nextInt(10, 100));
                }
                cells.add(List.copyOf(line));
            }
            cells = List.copyOf(cells);
            switch (level) {
                case 1, 2 -> {
                    return new Scene(cells, Question.READ, r.nextInt(n), r.nextInt(n), -1, -1);
                }
                case 3 -> {
                    int r1 = r.nextInt(n);
                    int c1 = r.nextInt(n);
                    int r2 = r.nextInt(n);
                    int c2 = r.nextInt(n);
                    if (cells.get(r1).get(c1) > cells.get(r2).get(c2)) {
                        return new Scene(cells, Question.DIFFERENCE, r1, c1, r2, c2);
                    }
                }
                case 4 -> {
                    return new Scene(cells, Question.ROW_SUM, r.nextInt(n), -1, -1, -1);
                }
                default -> {
                    return new Scene(cells, Question.COLUMN_SUM, -1, r.nextInt(n), -1, -1);
                }
            }
        }
    }

    @Override
    public Task generate(int level, long seed) {
        Scene s = scene(level, seed);
        return build(level, s, render(s));
    }

    static String rowName(int row) {
        return String.valueOf((char) ('A' + row));
    }

    static String cellName(int row, int col) {
        return rowName(row) + (col + 1);
    }

    /** Renders the table as PNG bytes. */
    public static byte[] render(Scene s) {
        Raster canvas = new Raster(WIDTH, HEIGHT);
        var g = canvas.g;
        int n = s.cells().size();
        int glyphTop = (CELL_H - PixelFont.HEIGHT * SCALE) / 2;
        g.setColor(new Color(230, 230, 230));
        g.fillRect(0, 0, (n + 1) * CELL_W, CELL_H);
        g.fillRect(0, 0, CELL_W, (n + 1) * CELL_H);
        for (int i = 0; i < n; i++) {
            int cx = (i + 1) * CELL_W + CELL_W / 2;
            int cy = (i + 1) * CELL_H;
            PixelFont.drawCentred(g, Integer.toString(i + 1), cx, glyphTop, SCALE, Color.BLACK);
            PixelFont.drawCentred(g, rowName(i), CELL_W / 2, cy + glyphTop, SCALE, Color.BLACK);
            for (int col = 0; col < n; col++) {
                PixelFont.drawCentred(g, Integer.toString(s.at(i, col)), (col + 1) * CELL_W + CELL_W / 2, cy + glyphTop,
                        SCALE, Color.BLACK);
            }
        }
        g.setColor(Color.BLACK);
        for (int k = 0; k <= n + 1; k++) {
            g.drawLine(Math.min(k * CELL_W, WIDTH - 1), 0, Math.min(k * CELL_W, WIDTH - 1), (n + 1) * CELL_H);
            g.drawLine(0, k * CELL_H, (n + 1) * CELL_W, k * CELL_H);
        }
        return canvas.png();
    }

    private static Task build(int level, Scene s, byte[] png) {
        int n = s.cells().size();
        String prompt;
        String answer;
        Derivation.Builder d;
        switch (s.question()) {
            case READ -> {
                String name = cellName(s.r1(), s.c1());
                int v = s.at(s.r1(), s.c1());
                prompt = "What is in " + name + "?";
                answer = Integer.toString(v);
                d = Derivation.builder(answer);
                d.plan("Find row " + rowName(s.r1()) + " and column " + (s.c1() + 1) + ".");
                d.detail("Row " + rowName(s.r1()) + " reads: " + rowText(s, s.r1()) + ".");
                d.step(name + " is in column " + (s.c1() + 1) + " of that row: " + v + ".");
                d.result(name + " = " + v);
                d.check("Wait, check the column too: column " + (s.c1() + 1) + " reads " + columnText(s, s.c1())
                        + ", and row " + rowName(s.r1()) + " gives " + v + ". Yes.");
            }
            case DIFFERENCE -> {
                String a = cellName(s.r1(), s.c1());
                String b = cellName(s.r2(), s.c2());
                int va = s.at(s.r1(), s.c1());
                int vb = s.at(s.r2(), s.c2());
                prompt = "What is " + a + " minus " + b + "?";
                answer = Integer.toString(va - vb);
                d = Derivation.builder(answer);
                d.plan("Read both cells, then subtract.");
                d.detail("Row " + rowName(s.r1()) + " reads: " + rowText(s, s.r1()) + ", so " + a + " = " + va + ".");
                d.detail("Row " + rowName(s.r2()) + " reads: " + rowText(s, s.r2()) + ", so " + b + " = " + vb + ".");
                d.step(a + " - " + b + " = " + va + " - " + vb + " = " + answer);
                d.result(a + " minus " + b + " = " + answer);
                d.check("Let me verify: " + answer + " + " + vb + " = " + va + ". Correct.");
            }
            case ROW_SUM -> {
                List<Integer> row = s.cells().get(s.r1());
                int sum = row.stream().mapToInt(Integer::intValue).sum();
                prompt = "What is the sum of row " + rowName(s.r1()) + "?";
                answer = Integer.toString(sum);
                d = Derivation.builder(answer);
                d.plan("Read row " + rowName(s.r1()) + ", then add its values.");
                d.detail("Row " + rowName(s.r1()) + " reads: " + rowText(s, s.r1()) + ".");
                d.step(runningSum(row));
                d.result("Sum of row " + rowName(s.r1()) + " = " + sum);
                d.check("Let me verify in reverse: " + reverseSum(row) + " = " + sum + ". Correct.");
            }
            default -> {
                List<Integer> col = new ArrayList<>();
                for (int row = 0; row < n; row++) {
                    col.add(s.at(row, s.c1()));
                }
                int sum = col.stream().mapToInt(Integer::intValue).sum();
                prompt = "What is the sum of column " + (s.c1() + 1) + "?";
                answer = Integer.toString(sum);
                d = Derivation.builder(answer);
                d.plan("Read column " + (s.c1() + 1) + " from top to bottom, then add.");
                d.detail("Column " + (s.c1() + 1) + " reads: " + columnText(s, s.c1()) + ".");
                d.step(runningSum(col));
                d.result("Sum of column " + (s.c1() + 1) + " = " + sum);
                d.check("Let me verify in reverse: " + reverseSum(col) + " = " + sum + ". Correct.");
            }
        }
        d.plan("So the answer is " + answer + ".");
        int extra = (n - 2) + (s.question() == Question.READ ? 0 : 2);
        Problem p = ProblemKeys.problem(NAME, level, prompt, answer, png, ProblemKeys.prior(BASE_PRIOR[level - 1], extra));
        return new Task(p, d.build());
    }

    private static String rowText(Scene s, int row) {
        List<String> parts = new ArrayList<>();
        for (int col = 0; col < s.cells().size(); col++) {
            parts.add(Integer.toString(s.at(row, col)));
        }
        return String.join(", ", parts);
    }

    private static String columnText(Scene s, int col) {
        List<String> parts = new ArrayList<>();
        for (int row = 0; row < s.cells().size(); row++) {
            parts.add(Integer.toString(s.at(row, col)));
        }
        return String.join(", ", parts);
    }

    private static String runningSum(List<Integer> v) {
        StringBuilder run = new StringBuilder();
        int acc = v.get(0);
        for (int i = 1; i < v.size(); i++) {
            run.append(i > 1 ? ", " : "").append(acc).append(" + ").append(v.get(i)).append(" = ").append(acc + v.get(i));
            acc += v.get(i);
        }
        return run.toString();
    }

    private static String reverseSum(List<Integer> v) {
        StringBuilder s = new StringBuilder();
        for (int i = v.size() - 1; i >= 0; i--) {
            s.append(v.get(i)).append(i > 0 ? " + " : "");
        }
        return s.toString();
    }
}
