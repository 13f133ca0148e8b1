package dev.ares.core.tasks;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Counting shapes of a colour (and at L4-L5 of a kind) in a 112x112 PNG: circles, squares and triangles, each inside
 * its own 28x28 cell of a 4x4 grid, so shapes never touch.
 * <ul>
 *   <li>L1: 3-4 shapes in two colours, "How many red shapes?"</li>
 *   <li>L2: 4-6 shapes in three colours</li>
 *   <li>L3: 6-9 shapes in three colours</li>
 *   <li>L4: 7-10 shapes in four colours, "How many red circles?"</li>
 *   <li>L5: 10-14 shapes in four colours and varying sizes, colour and kind</li>
 * </ul>
 * The answer (at least 1) is the decimal count.
 */
public final class ShapeCountFamily implements TaskFamily {

    /** Family name. */
    public static final String NAME = "shape_count";
    static final int SIZE = 112;
    static final int CELL = 28;
    private static final double[] BASE_PRIOR = {0.9, 0.76, 0.6, 0.45, 0.3};

    /** Shape kinds. */
    public enum Kind {
        /** Filled circle. */
        CIRCLE,
        /** Filled square. */
        SQUARE,
        /** Filled upward triangle. */
        TRIANGLE;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The four colours with their exact RGB values. */
    public enum Hue {
        /** Red. */
        RED(new Color(220, 40, 40)),
        /** Green. */
        GREEN(new Color(40, 160, 60)),
        /** Blue. */
        BLUE(new Color(40, 80, 220)),
        /** Yellow. */
        YELLOW(new Color(225, 185, 20));

        final Color color;

        Hue(Color color) {
            this.color = color;
        }

        /** The exact RGB (0xRRGGBB) used when rendering. */
        public int rgb() {
            return color.getRGB() & 0xFFFFFF;
        }

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One shape: kind, colour, grid cell (row, col 0..3), top-left pixel (x, y) and size in pixels.
     */
    public record Shape(Kind kind, Hue hue, int row, int col, int x, int y, int size) {
    }

    /**
     * The picture and the question.
     *
     * @param shapes     the shapes in reading order (row by row, left to right)
     * @param target     the colour asked about
     * @param targetKind the kind asked about, or {@code null} to count every kind
     */
    public record Scene(List<Shape> shapes, Hue target, Kind targetKind) {
        /** Number of shapes matching the question. */
        public int count() {
            return (int) shapes.stream().filter(this::matches).count();
        }

        boolean matches(Shape s) {
            return s.hue() == target && (targetKind == null || s.kind() == targetKind);
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
        int[][] counts = {{3, 4}, {4, 6}, {6, 9}, {7, 10}, {10, 14}};
        int colours = level == 1 ? 2 : level <= 3 ? 3 : 4;
        while (true) {
            int total = r.nextInt(counts[level - 1][0], counts[level - 1][1] + 1);
            List<Hue> palette = new ArrayList<>(List.of(Hue.values()).subList(0, 4));
            for (int i = palette.size() - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                Hue t = palette.get(i);
                palette.set(i, palette.get(j));
                palette.set(j, t);
            }
            palette = palette.subList(0, colours);
            TreeSet<Integer> cells = new TreeSet<>();
            while (cells.size() < total) {
                cells.add(r.nextInt(16));
            }
            List<Shape> shapes = new ArrayList<>();
            for (int cell : cells) {
                int row = cell / 4;
                int col = cell % 4;
                int size = level == 5 ? r.nextInt(14, 21) : 18;
                int slack = CELL - size;
                int x = col * CELL + slack / 2 + r.nextInt(-1, 2);
                int y = row * CELL + slack / 2 + r.nextInt(-1, 2);
                Kind kind = Kind.values()[r.nextInt(3)];
                shapes.add(new Shape(kind, palette.get(r.nextInt(colours)), row, col, x, y, size));
            }
            Hue target = palette.get(r.nextInt(colours));
            Kind kind = level >= 4 ? Kind.values()[r.nextInt(3)] : null;
            Scene scene = new Scene(List.copyOf(shapes), target, kind);
            if (scene.count() >= 1) {
                return scene;
            }
        }
    }

    @Override
    public Task generate(int level, long seed) {
        Scene s = scene(level, seed);
        return build(level, s, render(s));
    }

    /** Renders the scene as PNG bytes. */
    public static byte[] render(Scene s) {
        Raster canvas = new Raster(SIZE, SIZE);
        var g = canvas.g;
        for (Shape sh : s.shapes()) {
            g.setColor(sh.hue().color);
            switch (sh.kind()) {
                case CIRCLE -> g.fillOval(sh.x(), sh.y(), sh.size(), sh.size());
                case SQUARE -> g.fillRect(sh.x(), sh.y(), sh.size(), sh.size());
                default -> g.fillPolygon(new int[]{sh.x() + sh.size() / 2, sh.x() + sh.size(), sh.x()},
                        new int[]{sh.y(), sh.y() + sh.size(), sh.y() + sh.size()}, 3);
            }
        }
        return canvas.png();
    }

    private static Task build(int level, Scene s, byte[] png) {
        String what = s.target().word() + " " + (s.targetKind() == null ? "shapes" : s.targetKind().word() + "s");
        String prompt = "How many " + what + "?";
        int count = s.count();
        String answer = Integer.toString(count);
        Derivation.Builder d = Derivation.builder(answer);
        d.plan("Look at the shapes row by row and count the " + what + ".");
        int[] perRow = new int[4];
        List<String> hits = new ArrayList<>();
        for (int row = 0; row < 4; row++) {
            List<String> names = new ArrayList<>();
            for (Shape sh : s.shapes()) {
                if (sh.row() == row) {
                    names.add(sh.hue().word() + " " + sh.kind().word());
                    if (s.matches(sh)) {
                        perRow[row]++;
                        hits.add("row " + (row + 1) + " " + sh.kind().word());
                    }
                }
            }
            if (!names.isEmpty()) {
                d.detail("Row " + (row + 1) + ": " + String.join(", ", names) + ".");
            }
        }
        d.step("Matches: " + String.join(", ", hits) + ".");
        d.result("Count: " + count);
        d.plan("So the count is " + count + ".");
        StringBuilder recount = new StringBuilder("Wait, let me count again by rows: ");
        for (int row = 0; row < 4; row++) {
            recount.append(perRow[row]).append(row < 3 ? " + " : " = " + count + ". Yes.");
        }
        d.check(recount.toString());
        int others = s.shapes().size() - count;
        d.check("Check the rest: " + others + " other shape" + (others == 1 ? " does" : "s do") + " not match. Good.");
        int extra = s.shapes().size() - 3 + (s.targetKind() != null ? 2 : 0);
        Problem p = ProblemKeys.problem(NAME, level, prompt, answer, png, ProblemKeys.prior(BASE_PRIOR[level - 1], extra / 2));
        return new Task(p, d.build());
    }
}
