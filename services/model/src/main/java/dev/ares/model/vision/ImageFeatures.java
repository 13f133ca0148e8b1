package dev.ares.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Processed images, ready for the vision tower: {@code pixel_values [sum of patches, patchDim]}
 * (row-major float32, the images one after the other) and one {@link GridThw} per image, in order.
 *
 * @param pixelValues {@code patches() * patchDim} normalised values
 * @param patchDim    values per patch row: channels x temporal patch x patch x patch, in that order
 * @param grids       one grid per image
 */
public record ImageFeatures(float[] pixelValues, int patchDim, List<GridThw> grids) {
    /** Checks that the rows add up. */
    public ImageFeatures {
        grids = List.copyOf(grids);
        long rows = 0;
        for (GridThw g : grids) {
            rows += g.patches();
        }
        if (rows * patchDim != pixelValues.length) {
            throw new IllegalArgumentException("pixel values hold " + pixelValues.length + " values, grids imply "
                    + rows + " x " + patchDim);
        }
    }

    /** Rows of {@code pixel_values}. */
    public int patches() {
        return pixelValues.length / patchDim;
    }

    /** {@code pixel_values} as a float32 {@code [patches, patchDim]} array owned by {@code manager}. */
    public NDArray pixelArray(NDManager manager) {
        return manager.create(pixelValues, new Shape(patches(), patchDim));
    }

    /** {@code image_grid_thw} as an int64 {@code [images, 3]} array owned by {@code manager}. */
    public NDArray gridArray(NDManager manager) {
        long[] v = new long[grids.size() * 3];
        for (int i = 0; i < grids.size(); i++) {
            v[3 * i] = grids.get(i).t();
            v[3 * i + 1] = grids.get(i).h();
            v[3 * i + 2] = grids.get(i).w();
        }
        return manager.create(v, new Shape(grids.size(), 3));
    }

    /** Concatenates processed images (rows and grids in order). */
    public static ImageFeatures concat(List<ImageFeatures> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        int dim = parts.get(0).patchDim;
        int total = 0;
        List<GridThw> grids = new java.util.ArrayList<>();
        for (ImageFeatures p : parts) {
            if (p.patchDim != dim) {
                throw new IllegalArgumentException("patch widths differ: " + dim + " and " + p.patchDim);
            }
            total += p.pixelValues.length;
            grids.addAll(p.grids);
        }
        float[] all = new float[total];
        int at = 0;
        for (ImageFeatures p : parts) {
            System.arraycopy(p.pixelValues, 0, all, at, p.pixelValues.length);
            at += p.pixelValues.length;
        }
        return new ImageFeatures(all, dim, grids);
    }
}
