package io.finetune4j.train;

import io.finetune4j.nn.Parameter;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.Cache;
import io.finetune4j.models.FrozenPrefix;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.util.TqdmBar;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cache_frozen_features: the output of a model's frozen lower part, computed once per row in eval mode and
 * kept on disk under the cache folder ({@code features/KEY/}), memory-mapped while training. The key is a
 * SHA-256 over the frozen weights below the level, the level, and the rows' token ids, token types and masks
 * (which fix the data, the max length and the truncation), so a later run on the same data reuses the file.
 * Sized to the case: float32 {@code [rows, hidden]} for the pooler's input ([CLS] only) or the classifier's,
 * float16 {@code [rows, width, hidden]} for whole sequences (top-k layers), width = the longest row.
 *
 * <p>What differs from HF: HF runs the frozen layers in training mode, with dropout, so its frozen features
 * differ at every step; cached ones are the eval-mode features, the same each epoch.
 */
final class FrozenFeatures {
    private static final Logger LOG = LoggerFactory.getLogger(FrozenFeatures.class);
    private static final long CHUNK_BYTES = 1L << 30;
    static final String DATA_FILE = "features.bin";
    static final String META_FILE = "features.json";

    private final FrozenPrefix model;
    private final int level;
    private final int rows;
    private final int width; // positions per row (1 for [CLS] only, 0 for pooled vectors)
    private final int hidden;
    private final DType dtype;
    private final List<MappedByteBuffer> chunks = new ArrayList<>();
    private final int rowsPerChunk;
    private final Path dir;

    private FrozenFeatures(FrozenPrefix model, int level, int rows, int width, int hidden, DType dtype, Path dir) throws IOException {
        this.model = model;
        this.level = level;
        this.rows = rows;
        this.width = width;
        this.hidden = hidden;
        this.dtype = dtype;
        this.dir = dir;
        long rowBytes = rowBytes();
        this.rowsPerChunk = (int) Math.max(1, CHUNK_BYTES / rowBytes);
        try (FileChannel ch = FileChannel.open(dir.resolve(DATA_FILE), StandardOpenOption.READ)) {
            for (long first = 0; first < rows; first += rowsPerChunk) {
                long n = Math.min(rowsPerChunk, rows - first);
                chunks.add(ch.map(FileChannel.MapMode.READ_ONLY, first * rowBytes, n * rowBytes));
            }
        }
    }

    private long rowBytes() {
        return (long) Math.max(1, width) * hidden * (dtype == DType.FLOAT16 ? 2 : 4);
    }

    Path directory() {
        return dir;
    }

    int level() {
        return level;
    }

    /**
     * Why the cache cannot apply to this model as it is now, or null when it can: LoRA adapters and
     * trainable embeddings leave no frozen prefix.
     */
    static String whyNot(SequenceClassifier model) {
        if (!(model instanceof FrozenPrefix p)) {
            return model.getClass().getSimpleName().startsWith("Lora")
                    ? "LoRA adapters train inside the frozen layers, so their outputs change every step"
                    : model.getClass().getSimpleName() + " cannot run from a cached layer";
        }
        if (p.lowestTrainableLevel() < 0) {
            return "an embedding trains, so nothing below the trainable part is frozen";
        }
        return null;
    }

    /** Loads the features of {@code columns} from the cache, computing them first when absent. */
    static FrozenFeatures prepare(SequenceClassifier model, EncodedColumns columns, Cache cache, String split,
            DataCollatorWithPadding collator, int batchSize, boolean progress) {
        FrozenPrefix prefix = (FrozenPrefix) model;
        int level = prefix.lowestTrainableLevel();
        int layers = prefix.numHiddenLayers();
        int longest = 0;
        for (int i = 0; i < columns.size(); i++) {
            longest = Math.max(longest, columns.length(i));
        }
        int width = level < layers ? longest : level == layers ? 1 : 0;
        DType dtype = level < layers ? DType.FLOAT16 : DType.FLOAT32;
        Path dir = cache.features().resolve(key(model, level, columns, width));
        try {
            if (!Files.isRegularFile(dir.resolve(META_FILE))) {
                compute(prefix, level, columns, width, dtype, dir, split, collator, batchSize, progress);
            } else {
                LOG.info("cache_frozen_features: reusing the {} features in {}", split, dir);
            }
            int hidden = Integer.parseInt(Files.readString(dir.resolve(META_FILE)).replaceAll("(?s).*\"hidden\"\\s*:\\s*(\\d+).*", "$1"));
            return new FrozenFeatures(prefix, level, columns.size(), width, hidden, dtype, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache frozen features in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void compute(FrozenPrefix model, int level, EncodedColumns columns, int width, DType dtype, Path dir, String split,
            DataCollatorWithPadding collator, int batchSize, boolean progress) {
        Device device = TrainingStep.deviceOf((SequenceClassifier) model);
        long start = System.nanoTime();
        int[] hiddenSize = new int[1];
        DataCollatorWithPadding pad = width > 1 ? DataCollatorWithPadding.maxLength(width) : collator;
        AtomicFiles.writeDirectory(dir, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp.resolve(DATA_FILE));
                 TqdmBar bar = TqdmBar.start("Caching frozen features (" + split + ")", columns.size(), "rows", progress)) {
                for (int from = 0; from < columns.size(); from += batchSize) {
                    int[] rows = new int[Math.min(batchSize, columns.size() - from)];
                    for (int i = 0; i < rows.length; i++) {
                        rows[i] = from + i;
                    }
                    try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                        DataCollatorWithPadding.Batch b = pad.collate(columns, rows, device);
                        Tensor f = model.featuresAt(level, b.inputIds(), b.tokenTypeIds(), b.attentionMask());
                        hiddenSize[0] = (int) f.size(-1);
                        out.write(bytes(f.to(dtype).toByteBuffer())); // native order: little-endian here
                    }
                    bar.step(rows.length);
                }
            }
            String meta = "{\"level\": " + level + ", \"rows\": " + columns.size() + ", \"width\": " + width + ", \"hidden\": " + hiddenSize[0]
                    + ", \"dtype\": \"" + dtype + "\"}\n";
            Files.writeString(tmp.resolve(META_FILE), meta);
        });
        LOG.info("cache_frozen_features: {} {} rows cached in {} s ({} MB) in {}", split, columns.size(),
                String.format("%.1f", (System.nanoTime() - start) / 1e9), AtomicFiles.sizeOf(dir) >> 20, dir);
    }

    /** The features of a batch's rows, float32, cut to the batch's width; on {@code device}, in the current scope. */
    Tensor gather(int[] rowIds, int batchWidth, Device device) {
        int positions = width > 1 ? batchWidth : Math.max(1, width);
        int elemBytes = dtype == DType.FLOAT16 ? 2 : 4;
        int take = positions * hidden * elemBytes;
        ByteBuffer buf = ByteBuffer.allocateDirect(rowIds.length * take).order(ByteOrder.nativeOrder());
        long rowBytes = rowBytes();
        for (int r : rowIds) {
            MappedByteBuffer chunk = chunks.get(r / rowsPerChunk);
            int offset = (int) ((r % rowsPerChunk) * rowBytes);
            ByteBuffer src = chunk.duplicate();
            src.position(offset).limit(offset + take);
            buf.put(src);
        }
        buf.flip();
        long[] shape = width == 0 ? new long[] {rowIds.length, hidden} : new long[] {rowIds.length, positions, hidden};
        return Tensor.fromBuffer(buf, dtype, shape).to(device).to(DType.FLOAT32);
    }

    /** Whether the trainable top runs on one vector per row ([CLS] or pooled features), not on every position. */
    boolean onePositionPerRow() {
        return width <= 1;
    }

    /** Whether a parameter belongs to the modules below the cached level (which no longer run). */
    boolean isBelow(String parameterName) {
        return belowLevel(parameterName, level, model.numHiddenLayers());
    }

    /** The trainable top of the model, run from these features. */
    BatchForward forward() {
        return (b, training) -> model.logitsFrom(level, gather(b.rows(), (int) b.inputIds().size(1), b.inputIds().device()),
                b.attentionMask(), training);
    }

    private static String key(SequenceClassifier model, int level, EncodedColumns columns, int width) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("level=" + level + ";width=" + width + ";model=" + model.getClass().getName() + ";").getBytes());
            FrozenPrefix p = (FrozenPrefix) model;
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                if (!e.getValue().requiresGrad() && belowLevel(e.getKey(), level, p.numHiddenLayers())) {
                    md.update(e.getKey().getBytes());
                    md.update(e.getValue().data().toByteBuffer());
                }
            }
            update(md, columns.inputIds().values());
            if (columns.tokenTypeIds() != null) {
                update(md, columns.tokenTypeIds().values());
            }
            if (columns.attentionMask() != null) {
                update(md, columns.attentionMask().values());
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parameters of the modules below {@code level} (BERT names: embeddings, layers, pooler, classifier). */
    private static boolean belowLevel(String name, int level, int layers) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("encoder\\.layer\\.(\\d+)\\.").matcher(name);
        if (m.find()) {
            return Integer.parseInt(m.group(1)) < level;
        }
        if (name.contains("embeddings.")) {
            return true;
        }
        if (name.contains("pooler.")) {
            return level > layers;
        }
        return false;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    private static void update(MessageDigest md, int[][] rows) {
        ByteBuffer b = ByteBuffer.allocate(4 * 1024);
        for (int[] row : rows) {
            for (int v : row) {
                if (!b.hasRemaining()) {
                    md.update(b.array(), 0, b.position());
                    b.clear();
                }
                b.putInt(v);
            }
            if (b.remaining() < 4) {
                md.update(b.array(), 0, b.position());
                b.clear();
            }
            b.putInt(-1); // row separator
        }
        md.update(b.array(), 0, b.position());
    }
}
