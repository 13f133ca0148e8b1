package dev.ares.model.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * {@link RgbImage#of}: an image whose 8-bit RGB copy would not fit a Java array (a decoder accepts it in a packed
 * format, here 1-bit gray at 32768 x 32768 = 128 MiB packed, 3 GiB as RGB) is refused with an
 * {@link IllegalArgumentException} naming its size, the exception type the rollout turns into a per-request failure
 * (docs/rollout.md "Image prompts"), rather than an unchecked {@code NegativeArraySizeException}; a small packed image
 * converts pixel by pixel.
 */
class RgbImageTest {
    @Test
    void anImageTooLargeForAnRgbArrayIsRefusedNamingItsSize() {
        BufferedImage huge = new BufferedImage(32768, 32768, BufferedImage.TYPE_BYTE_BINARY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RgbImage.of(huge));
        assertTrue(e.getMessage().contains("32768x32768") && e.getMessage().contains("3221225472"), e.getMessage());
    }

    @Test
    void aPackedGrayImageConvertsPixelByPixel() {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_BINARY);
        img.setRGB(1, 2, 0xffffff);
        img.setRGB(4, 0, 0xffffff);
        RgbImage rgb = RgbImage.of(img);
        assertEquals(5, rgb.width());
        assertEquals(3, rgb.height());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int want = (x == 1 && y == 2) || (x == 4 && y == 0) ? 255 : 0;
                for (int c = 0; c < 3; c++) {
                    assertEquals(want, rgb.get(x, y, c), "pixel " + x + "," + y + " channel " + c);
                }
            }
        }
    }
}
