package dev.ares.core.tasks;

import java.awt.Color;
import java.awt.Graphics2D;
import java.util.Map;

/**
 * A 5x7 bitmap font for digits, the letters A-H and '-', drawn as filled squares. The image families use it instead
 * of system fonts so that rendering is byte-identical on every machine (no font files, no hinting, no antialiasing).
 */
public final class PixelFont {

    /** Glyph width in font pixels. */
    public static final int WIDTH = 5;
    /** Glyph height in font pixels. */
    public static final int HEIGHT = 7;

    private static final Map<Character, String[]> GLYPHS = Map.ofEntries(
            Map.entry('0', new String[]{".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."}),
            Map.entry('1', new String[]{"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}),
            Map.entry('2', new String[]{".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}),
            Map.entry('3', new String[]{"####.", "....#", "....#", ".###.", "....#", "....#", "####."}),
            Map.entry('4', new String[]{"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}),
            Map.entry('5', new String[]{"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}),
            Map.entry('6', new String[]{"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}),
            Map.entry('7', new String[]{"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}),
            Map.entry('8', new String[]{".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}),
            Map.entry('9', new String[]{".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}),
            Map.entry('A', new String[]{".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}),
            Map.entry('B', new String[]{"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."}),
            Map.entry('C', new String[]{".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."}),
            Map.entry('D', new String[]{"####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."}),
            Map.entry('E', new String[]{"#####", "#....", "#....", "####.", "#....", "#....", "#####"}),
            Map.entry('F', new String[]{"#####", "#....", "#....", "####.", "#....", "#....", "#...."}),
            Map.entry('G', new String[]{".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"}),
            Map.entry('H', new String[]{"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}),
            Map.entry('-', new String[]{".....", ".....", ".....", "#####", ".....", ".....", "....."}));

    private PixelFont() {
    }

    /** True if font pixel (col, row) of glyph {@code ch} is set; throws for characters the font lacks. */
    public static boolean isSet(char ch, int col, int row) {
        String[] g = GLYPHS.get(ch);
        if (g == null) {
            throw new IllegalArgumentException("PixelFont has no glyph for '" + ch + "'");
        }
        return g[row].charAt(col) == '#';
    }

    /** Width in image pixels of {@code text} at {@code scale}: glyphs are separated by one font pixel. */
    public static int textWidth(String text, int scale) {
        return text.isEmpty() ? 0 : (text.length() * (WIDTH + 1) - 1) * scale;
    }

    /** Draws {@code text} with its top-left corner at (x, y), each font pixel a {@code scale}x{@code scale} square. */
    public static void draw(Graphics2D g, String text, int x, int y, int scale, Color color) {
        g.setColor(color);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            int gx = x + i * (WIDTH + 1) * scale;
            for (int row = 0; row < HEIGHT; row++) {
                for (int col = 0; col < WIDTH; col++) {
                    if (isSet(ch, col, row)) {
                        g.fillRect(gx + col * scale, y + row * scale, scale, scale);
                    }
                }
            }
        }
    }

    /** Draws {@code text} centred horizontally on {@code cx}, top at {@code y}. */
    public static void drawCentred(Graphics2D g, String text, int cx, int y, int scale, Color color) {
        draw(g, text, cx - textWidth(text, scale) / 2, y, scale, color);
    }
}
