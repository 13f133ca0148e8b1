package dev.ares.model.vision;

import java.util.ArrayList;
import java.util.List;

/**
 * The Qwen2-VL / Qwen2.5-VL image processor (Hugging Face {@code Qwen2VLImageProcessor}; Qwen2-VL
 * report, Wang et al. 2024, §2.1 "naive dynamic resolution"): each image is
 * <ol>
 *   <li>resized by {@link #smartResize} to the nearest size whose sides are multiples of
 *       {@code patch_size * merge_size} and whose area lies in {@code [min_pixels, max_pixels]}, with
 *       the bicubic kernel of Pillow ({@link PilResampler});</li>
 *   <li>rescaled ({@code x * rescale_factor}) and normalised ({@code (x - mean) / std}) per channel in
 *       float32, as the reference does;</li>
 *   <li>duplicated in time to fill one temporal patch ({@code temporal_patch_size} frames);</li>
 *   <li>cut into {@code patch_size^2} patches, ordered so that the {@code merge_size^2} patches of one
 *       language-model token are consecutive: row index {@code (t, h / m, w / m, h % m, w % m)}, and
 *       within a row the values in order {@code (channel, frame, y, x)}.</li>
 * </ol>
 * The result is {@code pixel_values [t * h * w, 3 * T * P * P]} with {@code image_grid_thw = (t, h, w)}.
 */
public final class Qwen2VlImageProcessor {
    private final ImageProcessorConfig config;
    private final PilResampler.Arithmetic arithmetic;

    /**
     * A processor that resizes as the transformers 5 reference does (torchvision's resize of a uint8 tensor,
     * {@link PilResampler.Arithmetic#TORCH_UINT8}); its output matches the reference bit for bit.
     */
    public Qwen2VlImageProcessor(ImageProcessorConfig config) {
        this(config, PilResampler.Arithmetic.TORCH_UINT8);
    }

    /**
     * A processor with the given resampling arithmetic ({@link PilResampler.Arithmetic#PIL_FIXED_POINT} is
     * what the PIL-based processor of transformers 4 computes).
     */
    public Qwen2VlImageProcessor(ImageProcessorConfig config, PilResampler.Arithmetic arithmetic) {
        this.config = config;
        this.arithmetic = arithmetic;
    }

    /** The settings. */
    public ImageProcessorConfig config() {
        return config;
    }

    /**
     * The smart-resize rule of the reference: round each side to the nearest multiple of {@code factor}
     * (Python's round-half-even); if the area exceeds {@code maxPixels}, scale both sides down by
     * {@code sqrt(h * w / maxPixels)} and floor to multiples (at least {@code factor}); if it is below
     * {@code minPixels}, scale up by {@code sqrt(minPixels / (h * w))} and ceil to multiples.
     *
     * @return {@code {height, width}} in pixels
     * @throws IllegalArgumentException when the aspect ratio exceeds 200 (the reference refuses it too)
     */
    public static int[] smartResize(int height, int width, int factor, long minPixels, long maxPixels) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if ((double) Math.max(height, width) / Math.min(height, width) > 200) {
            throw new IllegalArgumentException("absolute aspect ratio must be at most 200, got " + width + "x" + height);
        }
        long hBar = Math.round(Math.rint((double) height / factor)) * factor;
        long wBar = Math.round(Math.rint((double) width / factor)) * factor;
        if (hBar * wBar > maxPixels) {
            double beta = Math.sqrt((double) height * width / maxPixels);
            hBar = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
            wBar = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
        } else if (hBar * wBar < minPixels) {
            double beta = Math.sqrt((double) minPixels / ((double) height * width));
            hBar = (long) Math.ceil(height * beta / factor) * factor;
            wBar = (long) Math.ceil(width * beta / factor) * factor;
        }
        return new int[] {(int) hBar, (int) wBar};
    }

    /** Processes several images; rows and grids follow the list order. */
    public ImageFeatures process(List<RgbImage> images) {
        List<ImageFeatures> parts = new ArrayList<>(images.size());
        for (RgbImage img : images) {
            parts.add(process(img));
        }
        return ImageFeatures.concat(parts);
    }

    /** The size {@link #process} resizes {@code image} to: {@code {height, width}}. */
    public int[] targetSize(RgbImage image) {
        int factor = config.factor();
        if (config.doResize()) {
            return smartResize(image.height(), image.width(), factor, config.minPixels(), config.maxPixels());
        }
        if (image.height() % factor != 0 || image.width() % factor != 0) {
            throw new IllegalArgumentException("do_resize is false but the image (" + image.width() + "x" + image.height()
                    + ") is not a multiple of patch_size * merge_size = " + factor);
        }
        return new int[] {image.height(), image.width()};
    }

    /** Processes one still image into {@code pixel_values} and its grid. */
    public ImageFeatures process(RgbImage image) {
        int[] size = targetSize(image);
        RgbImage img = PilResampler.resize(image, size[1], size[0], config.resample(), arithmetic);
        int p = config.patchSize();
        int m = config.mergeSize();
        int tp = config.temporalPatchSize();
        int gh = size[0] / p;
        int gw = size[1] / p;
        float[][] lut = normalisationTable();
        int dim = config.patchDim();
        float[] out = new float[gh * gw * dim];
        int row = 0;
        for (int bh = 0; bh < gh / m; bh++) {
            for (int bw = 0; bw < gw / m; bw++) {
                for (int mh = 0; mh < m; mh++) {
                    for (int mw = 0; mw < m; mw++) {
                        int y0 = (bh * m + mh) * p;
                        int x0 = (bw * m + mw) * p;
                        int o = row * dim;
                        for (int c = 0; c < 3; c++) {
                            for (int f = 0; f < tp; f++) {      // the still frame, repeated
                                for (int y = 0; y < p; y++) {
                                    for (int x = 0; x < p; x++) {
                                        out[o++] = lut[c][img.get(x0 + x, y0 + y, c)];
                                    }
                                }
                            }
                        }
                        row++;
                    }
                }
            }
        }
        return new ImageFeatures(out, dim, List.of(new GridThw(1, gh, gw)));
    }

    /** {@code [channel][byte value]}: the rescaled and normalised float32 value, computed as the reference does. */
    private float[][] normalisationTable() {
        float[][] lut = new float[3][256];
        for (int c = 0; c < 3; c++) {
            float mean = (float) config.mean()[c];
            float std = (float) config.std()[c];
            for (int v = 0; v < 256; v++) {
                float x = config.doRescale() ? (float) (v * config.rescaleFactor()) : v;
                lut[c][v] = config.doNormalize() ? (x - mean) / std : x;
            }
        }
        return lut;
    }
}
