package dev.ares.model.vision;

/**
 * The patch grid of one image or video in the vision tower ({@code image_grid_thw} row): {@code t}
 * temporal patches, {@code h x w} spatial patches of {@code patch_size} pixels.
 *
 * @param t temporal patches (1 for a still image: the frame is duplicated to fill one temporal patch)
 * @param h patch rows (a multiple of the merge size)
 * @param w patch columns (a multiple of the merge size)
 */
public record GridThw(int t, int h, int w) {
    /** Checks that every extent is positive. */
    public GridThw {
        if (t < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("grid extents must be positive, got (" + t + ", " + h + ", " + w + ")");
        }
    }

    /** Rows of {@code pixel_values} for this image: {@code t * h * w}. */
    public int patches() {
        return t * h * w;
    }

    /** Language-model tokens (image pads) after the {@code merge x merge} patch merger. */
    public int tokens(int merge) {
        return patches() / (merge * merge);
    }
}
