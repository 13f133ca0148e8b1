package dev.ares.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.model.ModelFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The weights of a Hugging Face model folder: either one {@code model.safetensors}, or the shards listed
 * by {@code model.safetensors.index.json} ({@code weight_map}: tensor name to shard file name). Each shard
 * is opened and validated once; tensors are memory-mapped on demand.
 */
public final class WeightStore implements Closeable {
    /** The single-file weight name of a Hugging Face folder. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** The index of a sharded Hugging Face folder. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path dir;
    private final Map<String, SafetensorsFile> byTensor;
    private final List<SafetensorsFile> files;

    private WeightStore(Path dir, Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> files) {
        this.dir = dir;
        this.byTensor = byTensor;
        this.files = files;
    }

    /**
     * Opens the weights of {@code dir}: the index file when present, otherwise {@code model.safetensors}.
     *
     * @throws ModelFormatException naming the file when neither exists, the index is malformed, a shard is
     *                              missing, or a shard lacks a tensor the index assigns to it
     */
    public static WeightStore open(Path dir) {
        Path index = dir.resolve(INDEX_FILE);
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(dir, index);
        }
        if (Files.isRegularFile(single)) {
            SafetensorsFile f = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> map = new LinkedHashMap<>();
            for (String n : f.names()) {
                map.put(n, f);
            }
            return new WeightStore(dir, map, List.of(f));
        }
        throw new ModelFormatException(single, null, "no weights: neither " + SINGLE_FILE + " nor " + INDEX_FILE
                + " exists in " + dir);
    }

    private static WeightStore openSharded(Path dir, Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(index, null, "cannot parse index: " + e.getMessage(), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new ModelFormatException(index, "weight_map", "missing or not an object");
        }
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new ModelFormatException(index, "weight_map." + e.getKey(), "shard name is not a string");
                }
                String shardName = e.getValue().asText();
                Path shard = dir.resolve(shardName).normalize();
                if (!shard.startsWith(dir.normalize()) || !Files.isRegularFile(shard)) {
                    throw new ModelFormatException(index, "weight_map." + e.getKey(), "shard file '" + shardName
                            + "' does not exist in " + dir);
                }
                SafetensorsFile f = opened.computeIfAbsent(shardName, n -> SafetensorsFile.open(shard));
                if (!f.contains(e.getKey())) {
                    throw new ModelFormatException(shard, e.getKey(), "the index assigns this tensor to " + shardName
                            + " but its header does not list it");
                }
                byTensor.put(e.getKey(), f);
            }
        } catch (RuntimeException e) {
            for (SafetensorsFile f : opened.values()) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // reporting the first error
                }
            }
            throw e;
        }
        return new WeightStore(dir, byTensor, new ArrayList<>(opened.values()));
    }

    /** The model folder. */
    public Path dir() {
        return dir;
    }

    /** All tensor names, sorted. */
    public Set<String> names() {
        return new TreeSet<>(byTensor.keySet());
    }

    /** True when some file holds {@code name}. */
    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    /** The header entry of {@code name}; throws {@link ModelFormatException} naming the folder and tensor when absent. */
    public TensorInfo info(String name) {
        return fileOf(name).info(name);
    }

    /** The file that holds {@code name}. */
    public Path pathOf(String name) {
        return fileOf(name).path();
    }

    private SafetensorsFile fileOf(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            Path where = files.size() == 1 ? files.get(0).path() : dir.resolve(INDEX_FILE);
            throw new ModelFormatException(where, name, "required tensor is missing");
        }
        return f;
    }

    /**
     * Loads {@code name} converted to {@code target} (floating tensors only) and checks its shape.
     *
     * @param expectedShape the shape the model configuration implies, or null to accept any
     * @throws ModelFormatException naming the file and tensor when it is missing or mis-shaped
     */
    public NDArray load(String name, NDManager manager, DataType target, long... expectedShape) {
        SafetensorsFile f = fileOf(name);
        TensorInfo t = f.info(name);
        if (expectedShape != null && !java.util.Arrays.equals(t.shape(), expectedShape)) {
            throw new ModelFormatException(f.path(), name, "shape " + java.util.Arrays.toString(t.shape())
                    + " does not match " + java.util.Arrays.toString(expectedShape) + " implied by config.json");
        }
        return f.load(name, manager, target);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
