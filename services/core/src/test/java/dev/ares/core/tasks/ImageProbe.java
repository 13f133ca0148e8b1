package dev.ares.core.tasks;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Test helper: decodes PNG bytes and measures what is drawn, independently of the generators' own bookkeeping. */
final class ImageProbe {

    private ImageProbe() {
    }

    static BufferedImage decode(byte[] png) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            if (img == null) {
                throw new AssertionError("not a decodable image");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    /** A 4-connected component of pixels of one exact colour: pixel count and bounding box. */
    record Component(int pixels, int minX, int minY, int maxX, int maxY) {
        double fill() {
            return pixels / (double) ((maxX - minX + 1) * (maxY - minY + 1));
        }
    }

    /** All 4-connected components of pixels whose RGB equals {@code rgb}. */
    static List<Component> components(BufferedImage img, int rgb) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean[] seen = new boolean[w * h];
        List<Component> out = new ArrayList<>();
        int[] stack = new int[w * h];
        for (int start = 0; start < w * h; start++) {
            if (seen[start] || rgb(img, start % w, start / w) != rgb) {
                continue;
            }
            int sp = 0;
            stack[sp++] = start;
            seen[start] = true;
            int count = 0;
            int minX = w;
            int minY = h;
            int maxX = -1;
            int maxY = -1;
            while (sp > 0) {
                int p = stack[--sp];
                int x = p % w;
                int y = p / w;
                count++;
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
                int[][] nb = {{x + 1, y}, {x - 1, y}, {x, y + 1}, {x, y - 1}};
                for (int[] q : nb) {
                    if (q[0] >= 0 && q[0] < w && q[1] >= 0 && q[1] < h) {
                        int qi = q[1] * w + q[0];
                        if (!seen[qi] && rgb(img, q[0], q[1]) == rgb) {
                            seen[qi] = true;
                            stack[sp++] = qi;
                        }
                    }
                }
            }
            out.add(new Component(count, minX, minY, maxX, maxY));
        }
        return out;
    }
}
