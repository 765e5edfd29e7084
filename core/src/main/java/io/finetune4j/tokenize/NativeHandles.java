package io.finetune4j.tokenize;

import ai.djl.huggingface.tokenizers.jni.LibUtils;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.io.BertTokenizerFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Native HF tokenizers, one per truncation setting. Truncation (length, strategy, stride,
 * direction) is written into the tokenizer.json the handle is built from, so a handle is never
 * changed after creation and can encode from several threads at once. Padding is always off in
 * the native tokenizer: rows are padded in Java, straight into the output arrays.
 */
final class NativeHandles implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode base;
    private final Path source;
    private final Map<String, Long> handles = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Tokenizers sharing these handles ({@link AutoTokenizer#withModelMaxLength} and its kin): freed when the last closes. */
    private int users = 1;

    static {
        LibUtils.checkStatus(); // loads DJL's bundled libtokenizers before the first JNI call
    }

    NativeHandles(byte[] tokenizerJson, Path source) {
        this.source = source;
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson);
        } catch (IOException e) {
            throw malformed(e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (!(root instanceof ObjectNode obj) || !root.has("model")) {
            throw malformed("no \"model\" object", null);
        }
        this.base = obj;
        base.putNull("padding");
        base.putNull("truncation");
        handle(null, null, 0, null); // fail now, not at the first encode, when the native side rejects the file
    }

    ObjectNode json() {
        return base;
    }

    private BadInputException malformed(String why, Throwable cause) {
        return new BadInputException("malformed tokenizer file " + source.resolve(BertTokenizerFiles.TOKENIZER_JSON)
                + " (" + why + "); re-save it with save_pretrained or delete it to rebuild from vocab.txt", cause);
    }

    /** A handle truncating to {@code maxLength} (null: no truncation). */
    long handle(Integer maxLength, EncodeOptions.Truncation strategy, int stride, EncodeOptions.Side direction) {
        if (closed) {
            throw new IllegalStateException("the tokenizer is closed");
        }
        String key = maxLength == null ? "none" : maxLength + "/" + strategy + "/" + stride + "/" + direction;
        return handles.computeIfAbsent(key, k -> create(maxLength, strategy, stride, direction));
    }

    private long create(Integer maxLength, EncodeOptions.Truncation strategy, int stride, EncodeOptions.Side direction) {
        ObjectNode json = base.deepCopy();
        if (maxLength != null) {
            ObjectNode t = json.putObject("truncation");
            t.put("direction", direction == EncodeOptions.Side.LEFT ? "Left" : "Right");
            t.put("max_length", maxLength);
            t.put("strategy", switch (strategy) {
                case ONLY_FIRST -> "OnlyFirst";
                case ONLY_SECOND -> "OnlySecond";
                default -> "LongestFirst";
            });
            t.put("stride", stride);
        }
        try {
            return TokenizersLibrary.LIB.createTokenizerFromString(JSON.writeValueAsString(json));
        } catch (IOException e) {
            throw malformed(e.getMessage(), e);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (maxLength != null && why.toLowerCase().contains("stride")) {
                throw new BadInputException("stride " + stride + " does not fit max_length " + maxLength
                        + ": the stride must be smaller than max_length minus the special tokens", e);
            }
            throw malformed(why, e);
        }
    }

    /** The handle without truncation, for decode, tokenize and vocabulary look-ups. */
    long plain() {
        return handle(null, null, 0, null);
    }

    /** One more tokenizer shares these handles; each calls {@link #close} once. */
    synchronized NativeHandles retain() {
        if (closed) {
            throw new IllegalStateException("the tokenizer is closed");
        }
        users++;
        return this;
    }

    @Override
    public synchronized void close() {
        if (closed || --users > 0) {
            return;
        }
        closed = true;
        handles.values().forEach(TokenizersLibrary.LIB::deleteTokenizer);
        handles.clear();
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
