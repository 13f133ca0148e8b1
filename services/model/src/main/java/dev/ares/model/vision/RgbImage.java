package dev.ares.model.vision;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * An 8-bit RGB image, pixels row-major with interleaved channels ({@code rgb[(y * width + x) * 3 + c]},
 * unsigned bytes). This is what the image processor works on, like PIL's {@code "RGB"} mode.
 *
 * <p>Conversion follows transformers' {@code convert_to_rgb}: an image with an alpha channel is composited
 * over a white background; gray images are replicated to three channels. 8-bit gray and RGB samples
 * are taken from the raster as stored (no colour-space conversion, as PIL does), so a PNG's values arrive
 * unchanged.
 *
 * @param width  columns
 * @param height rows
 * @param rgb    {@code width * height * 3} bytes
 */
public record RgbImage(int width, int height, byte[] rgb) {
    /** Checks the buffer size. */
    public RgbImage {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs "
                    + (long) width * height * 3 + " bytes, got " + rgb.length);
        }
    }

    /** Channel {@code c} of pixel {@code (x, y)}, 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /**
     * Reads an image file in any format {@link ImageIO} decodes (PNG, JPEG, BMP, GIF).
     *
     * @throws IOException when the file cannot be read or is not a decodable image (the message names it)
     */
    public static RgbImage read(Path file) throws IOException {
        BufferedImage img;
        try (var in = Files.newInputStream(file)) {
            img = ImageIO.read(in);
        }
        if (img == null) {
            throw new IOException(file + ": not an image in a format this JVM decodes (PNG, JPEG, BMP, GIF)");
        }
        return of(img);
    }

    /** Decodes image bytes (for example a data URL's payload). */
    public static RgbImage decode(byte[] bytes, String what) throws IOException {
        BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        if (img == null) {
            throw new IOException(what + ": not an image in a format this JVM decodes (PNG, JPEG, BMP, GIF)");
        }
        return of(img);
    }

    /**
     * Converts a decoded image to 8-bit RGB (alpha over white, gray replicated).
     *
     * @throws IllegalArgumentException naming the size when {@code width * height * 3} bytes exceed a Java array (a
     *                                  decoder accepts such images in packed formats, e.g. 1-bit gray)
     */
    public static RgbImage of(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        long bytes = (long) w * h * 3;
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("an image of " + w + "x" + h + " needs " + bytes
                    + " bytes as 8-bit RGB, more than an array holds");
        }
        byte[] out = new byte[(int) bytes];
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        boolean raw = img.getColorModel() instanceof ComponentColorModel && bands >= 1 && bands <= 4
                && r.getSampleModel().getSampleSize(0) == 8;
        int[] px = new int[bands];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red;
                int green;
                int blue;
                int alpha = 255;
                if (raw) {
                    r.getPixel(x, y, px);
                    if (bands <= 2) {
                        red = green = blue = px[0];
                        alpha = bands == 2 ? px[1] : 255;
                    } else {
                        red = px[0];
                        green = px[1];
                        blue = px[2];
                        alpha = bands == 4 ? px[3] : 255;
                    }
                } else {
                    int argb = img.getRGB(x, y);
                    alpha = argb >>> 24;
                    red = (argb >> 16) & 0xff;
                    green = (argb >> 8) & 0xff;
                    blue = argb & 0xff;
                }
                int o = (y * w + x) * 3;
                out[o] = (byte) overWhite(red, alpha);
                out[o + 1] = (byte) overWhite(green, alpha);
                out[o + 2] = (byte) overWhite(blue, alpha);
            }
        }
        return new RgbImage(w, h, out);
    }

    /** PIL's {@code alpha_composite} of a colour over opaque white, rounded as PIL does for 8-bit values. */
    private static int overWhite(int c, int alpha) {
        if (alpha == 255) {
            return c;
        }
        return (c * alpha + 255 * (255 - alpha) + 127) / 255;
    }
}
