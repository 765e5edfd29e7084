package io.finetune4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The one place that reads the weights of a Hugging Face checkpoint folder, whatever format they
 * are in, in the order {@code from_pretrained} prefers them: {@code model.safetensors}, the shards of
 * {@code model.safetensors.index.json}, {@code pytorch_model.bin} (read safely by
 * {@link TorchCheckpoint}), the shards of {@code pytorch_model.bin.index.json}. Model loading calls
 * {@link #read(Path)}; {@link #convertToSafetensors(Path)} writes {@code model.safetensors} from
 * PyTorch weights.
 */
public final class StateDictReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The weight formats of a folder, in HF's order of preference. */
    public enum Format {
        SAFETENSORS(SafeTensors.SINGLE_FILE, false),
        SAFETENSORS_SHARDED(SafeTensors.INDEX_FILE, true),
        PYTORCH(TorchCheckpoint.SINGLE_FILE, false),
        PYTORCH_SHARDED(TorchCheckpoint.INDEX_FILE, true);

        public final String file;
        public final boolean sharded;

        Format(String file, boolean sharded) {
            this.file = file;
            this.sharded = sharded;
        }

        boolean pytorch() {
            return this == PYTORCH || this == PYTORCH_SHARDED;
        }
    }

    private StateDictReader() {}

    /** The format {@link #read} will use for {@code dir}. */
    public static Format format(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("checkpoint folder " + dir + " does not exist or is not a folder");
        }
        for (Format f : Format.values()) {
            if (Files.isRegularFile(dir.resolve(f.file))) {
                return f;
            }
        }
        throw new BadInputException("no " + SafeTensors.SINGLE_FILE + ", " + SafeTensors.INDEX_FILE + ", " + TorchCheckpoint.SINGLE_FILE
                + " or " + TorchCheckpoint.INDEX_FILE + " in " + dir
                + " (is this a Hugging Face checkpoint folder? TensorFlow .h5 and Flax weights are not read)");
    }

    /** Every weight of the checkpoint folder by state-dict name (float16/bfloat16 .bin tensors as float32). */
    public static Map<String, Tensor> read(Path dir) {
        Format f = format(dir);
        return switch (f) {
            case SAFETENSORS -> SafeTensors.read(dir.resolve(f.file));
            case PYTORCH -> TorchCheckpoint.read(dir.resolve(f.file));
            case SAFETENSORS_SHARDED -> readSharded(dir, dir.resolve(f.file), SafeTensors::read);
            case PYTORCH_SHARDED -> readSharded(dir, dir.resolve(f.file), TorchCheckpoint::read);
        };
    }

    /**
     * Reads the shards an index names. Every shard must exist, hold the tensors the index maps to it,
     * and no tensor may appear in two shards with different shapes.
     */
    static Map<String, Tensor> readSharded(Path dir, Path index, Function<Path, Map<String, Tensor>> reader) {
        JsonNode weightMap;
        try {
            long size = Files.size(index);
            if (size > SafeTensors.MAX_HEADER_BYTES) {
                throw new BadInputException(index + " is " + size + " bytes, more than the " + SafeTensors.MAX_HEADER_BYTES
                        + " a sharded checkpoint index of tensor names has; is it the right file?");
            }
            weightMap = JSON.readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new BadInputException("cannot parse " + index + ": " + e.getMessage().lines().findFirst().orElse("") + "; fix or fetch it again");
        }
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw new BadInputException(index + " has no weight_map {tensor name: shard file}; it is not a sharded checkpoint index");
        }
        // Check every shard is there before reading any (a missing shard is the common failure).
        Map<String, String> byTensor = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText();
            Path folder = dir.toAbsolutePath().normalize();
            Path file = folder.resolve(shard).normalize();
            if (shard.isEmpty() || !folder.equals(file.getParent())) {
                throw new BadInputException(index + " maps '" + e.getKey() + "' to '" + shard + "', which is not a file name in " + dir);
            }
            if (!Files.isRegularFile(file)) {
                throw new BadInputException(index + " names shard " + shard + " (for '" + e.getKey() + "') but " + dir
                        + " has no such file; fetch the missing shard");
            }
            byTensor.put(e.getKey(), shard);
        }
        Map<String, Map<String, Tensor>> shards = new TreeMap<>();
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, String> seenIn = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String shard : new java.util.LinkedHashSet<>(byTensor.values())) {
            Map<String, Tensor> tensors = shards.computeIfAbsent(shard, s -> reader.apply(dir.resolve(s)));
            for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
                long[] before = shapes.putIfAbsent(t.getKey(), t.getValue().shape());
                String other = seenIn.putIfAbsent(t.getKey(), shard);
                if (before != null && !Arrays.equals(before, t.getValue().shape())) {
                    throw new BadInputException("tensor '" + t.getKey() + "' has shape " + Arrays.toString(before) + " in " + other
                            + " but " + Arrays.toString(t.getValue().shape()) + " in " + shard + "; the shards are from different checkpoints");
                }
            }
        }
        for (Map.Entry<String, String> e : byTensor.entrySet()) {
            Tensor t = shards.get(e.getValue()).get(e.getKey());
            if (t == null) {
                throw new BadInputException(index + " maps '" + e.getKey() + "' to " + e.getValue() + ", which does not contain it"
                        + " (truncated or mismatched shard); fetch it again");
            }
            out.put(e.getKey(), t);
        }
        return out;
    }

    /** What {@link #convertToSafetensors} did. */
    public record Conversion(Path file, Format from, int tensors, long bytes, boolean written) {}

    /**
     * Writes {@code dir/model.safetensors} (atomically, with {@code format: pt} metadata) from the
     * folder's PyTorch weights, every tensor read and checked first so a bad file leaves nothing written.
     * A folder that already has safetensors weights is left as it is ({@code written} false).
     */
    public static Conversion convertToSafetensors(Path dir) {
        Format f = format(dir);
        Path target = dir.resolve(SafeTensors.SINGLE_FILE);
        if (!f.pytorch()) {
            return new Conversion(target, f, read(dir).size(), fileSize(dir.resolve(f.file)), false);
        }
        Map<String, Tensor> tensors = read(dir);
        SafeTensors.write(target, tensors, Map.of("format", "pt"));
        // Read the result back: a successful conversion is one the loader accepts.
        Map<String, Tensor> back = SafeTensors.read(target);
        if (back.size() != tensors.size()) {
            throw new IllegalStateException("wrote " + back.size() + " of " + tensors.size() + " tensors to " + target);
        }
        return new Conversion(target, f, tensors.size(), fileSize(target), true);
    }

    private static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The weight files of a folder (the single file or every shard), for sizes and listings. */
    public static List<Path> files(Path dir) {
        Format f = format(dir);
        if (!f.sharded) {
            return List.of(dir.resolve(f.file));
        }
        try {
            JsonNode map = JSON.readTree(dir.resolve(f.file).toFile()).path("weight_map");
            return new java.util.TreeSet<String>(iterable(map)).stream().map(dir::resolve).toList();
        } catch (IOException e) {
            throw new BadInputException("cannot parse " + dir.resolve(f.file) + ": " + e.getMessage());
        }
    }

    private static List<String> iterable(JsonNode map) {
        List<String> out = new java.util.ArrayList<>();
        map.elements().forEachRemaining(n -> out.add(n.asText()));
        return out;
    }
}
