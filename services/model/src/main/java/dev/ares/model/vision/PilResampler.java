package dev.ares.model.vision;

/**
 * Separable convolution resampling of 8-bit RGB images with the kernels of Pillow's {@code Image.resize}
 * ({@code libImaging/Resample.c}), in either of the two integer arithmetics the reference image
 * processors use.
 *
 * <p>For each output coordinate {@code i} of an axis scaled from {@code in} to {@code out} samples,
 * with {@code scale = in / out} and {@code fs = max(scale, 1)} (the kernel is stretched when shrinking,
 * which is the antialiasing), the source centre is {@code c = (i + 0.5) * scale}, the taps are the
 * source samples {@code j} in {@code [trunc(c - s + 0.5), trunc(c + s + 0.5))} (clipped to the image) with
 * {@code s = support * fs}, and tap {@code j} weighs {@code K((j - c + 0.5) / fs)} normalised to sum 1.
 * {@code K} is the Keys cubic with {@code a = -0.5} (support 2) or the triangle (support 1).
 *
 * <p>Both arithmetics run the horizontal pass first (only when the width changes), round and clip its
 * result to 8 bits, then run the vertical pass and round and clip again; they differ in the fixed-point
 * precision of the weights (see {@link Arithmetic}), which moves a few output values by one level.
 */
public final class PilResampler {
    /** How intermediate values are kept. */
    public enum Arithmetic {
        /** Pillow's 22-bit fixed-point weights and 8-bit rounding after each pass. */
        PIL_FIXED_POINT,
        /**
         * torch's native uint8 antialiased interpolation on CPU (what torchvision's {@code resize} runs on
         * a uint8 tensor, ported from Pillow-SIMD): the same weights rounded to int16 with a per-axis
         * precision (the most bits for which the axis's largest weight still fits in 15 bits, at most 22),
         * horizontal pass first, 8-bit rounding and clipping after each pass.
         */
        TORCH_UINT8
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResampler() {
    }

    /**
     * Resizes {@code src} to {@code width x height}.
     *
     * @param filter {@link ImageProcessorConfig#BICUBIC} or {@link ImageProcessorConfig#BILINEAR}
     */
    public static RgbImage resize(RgbImage src, int width, int height, int filter, Arithmetic arithmetic) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        if (width == src.width() && height == src.height()) {
            return src;
        }
        double support = switch (filter) {
            case ImageProcessorConfig.BICUBIC -> 2.0;
            case ImageProcessorConfig.BILINEAR -> 1.0;
            default -> throw new IllegalArgumentException("PIL filter " + filter + " is not implemented");
        };
        Coeffs horiz = coeffs(src.width(), width, support, filter);
        Coeffs vert = coeffs(src.height(), height, support, filter);
        return switch (arithmetic) {
            case PIL_FIXED_POINT -> fixedPoint(src, width, height, horiz, vert, PRECISION_BITS, PRECISION_BITS);
            case TORCH_UINT8 -> fixedPoint(src, width, height, horiz, vert, int16Precision(horiz), int16Precision(vert));
        };
    }

    /** Per output sample: first tap, tap count, and normalised weights ({@code ksize} per sample). */
    private record Coeffs(int[] first, int[] count, double[] weights, int ksize) {
    }

    private static Coeffs coeffs(int in, int out, double support, int filter) {
        double scale = (double) in / out;
        double fs = Math.max(scale, 1.0);
        double s = support * fs;
        int ksize = (int) Math.ceil(s) * 2 + 1;
        int[] first = new int[out];
        int[] count = new int[out];
        double[] w = new double[out * ksize];
        for (int i = 0; i < out; i++) {
            double center = (i + 0.5) * scale;
            double inv = 1.0 / fs;
            int lo = Math.max((int) (center - s + 0.5), 0);
            int hi = Math.min((int) (center + s + 0.5), in);
            int n = hi - lo;
            double sum = 0;
            for (int j = 0; j < n; j++) {
                double v = kernel((j + lo - center + 0.5) * inv, filter);
                w[i * ksize + j] = v;
                sum += v;
            }
            if (sum != 0) {
                for (int j = 0; j < n; j++) {
                    w[i * ksize + j] /= sum;
                }
            }
            first[i] = lo;
            count[i] = n;
        }
        return new Coeffs(first, count, w, ksize);
    }

    private static double kernel(double x, int filter) {
        x = Math.abs(x);
        if (filter == ImageProcessorConfig.BILINEAR) {
            return x < 1.0 ? 1.0 - x : 0.0;
        }
        final double a = -0.5;
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** torch's int16 weight precision: the most bits (below 22) for which the largest weight fits in 15 bits. */
    private static int int16Precision(Coeffs c) {
        double max = 0;
        for (double w : c.weights) {
            max = Math.max(max, w);
        }
        int bits = 0;
        for (; bits < 22; bits++) {
            if ((int) (0.5 + max * (1 << (bits + 1))) >= (1 << 15)) {
                break;
            }
        }
        return bits;
    }

    private static int[] fixed(Coeffs c, int bits) {
        int[] k = new int[c.weights.length];
        for (int i = 0; i < k.length; i++) {
            double v = c.weights[i] * (1 << bits);
            k[i] = (int) (v < 0 ? v - 0.5 : v + 0.5);
        }
        return k;
    }

    private static int clip8(int v, int bits) {
        return Math.max(0, Math.min(255, v >> bits));
    }

    private static RgbImage fixedPoint(RgbImage src, int width, int height, Coeffs horiz, Coeffs vert, int hBits,
                                       int vBits) {
        int sw = src.width();
        int sh = src.height();
        byte[] in = src.rgb();
        // Horizontal pass (Pillow runs it only when the width changes), over all rows.
        byte[] mid = in;
        if (width != sw) {
            int[] k = fixed(horiz, hBits);
            mid = new byte[width * sh * 3];
            for (int y = 0; y < sh; y++) {
                for (int x = 0; x < width; x++) {
                    int lo = horiz.first[x];
                    int base = x * horiz.ksize;
                    for (int c = 0; c < 3; c++) {
                        int acc = 1 << (hBits - 1);
                        for (int j = 0; j < horiz.count[x]; j++) {
                            acc += (in[(y * sw + lo + j) * 3 + c] & 0xff) * k[base + j];
                        }
                        mid[(y * width + x) * 3 + c] = (byte) clip8(acc, hBits);
                    }
                }
            }
        }
        if (height == sh) {
            return new RgbImage(width, height, mid);
        }
        int[] k = fixed(vert, vBits);
        byte[] out = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            int lo = vert.first[y];
            int base = y * vert.ksize;
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    int acc = 1 << (vBits - 1);
                    for (int j = 0; j < vert.count[y]; j++) {
                        acc += (mid[((lo + j) * width + x) * 3 + c] & 0xff) * k[base + j];
                    }
                    out[(y * width + x) * 3 + c] = (byte) clip8(acc, vBits);
                }
            }
        }
        return new RgbImage(width, height, out);
    }
}
