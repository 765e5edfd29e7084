package io.finetune4j.models;

import io.finetune4j.nn.Parameter;
import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.io.TorchCheckpoint;
import io.finetune4j.io.TorchSave;
import io.finetune4j.nn.AttnImplementation;
import io.finetune4j.nn.Gradients;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What HF's {@code PreTrainedModel} gives every model of every family: loading from and saving to a checkpoint
 * folder, the state dict by HF name, freezing by name pattern, parameter counts and the printed tree.
 * The model owns its parameters on {@link #device()} and frees them in {@link #close()}.
 */
public abstract class PreTrainedModel extends Module implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PreTrainedModel.class);
    /** Tokenizer files copied next to the weights by {@link #savePretrained}, as HF's pipeline expects. */
    public static final List<String> TOKENIZER_FILES = List.of("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");

    protected final PretrainedConfig config;
    private Path sourceDir;
    private LoadReport loadReport;
    private Map<String, Parameter> parameters;
    AttnImplementation attnImplementation = new AttnImplementation(); // the one its attention modules hold (ModelClass.build)

    protected PreTrainedModel(PretrainedConfig config) {
        this.config = config;
    }

    public PretrainedConfig config() {
        return config;
    }

    /** The registry entry of this model's model_type (base prefix, layer names, PEFT's default targets). */
    public ModelFamily family() {
        return config.family();
    }

    /** The device the parameters live on (cpu for a shapes-only model). */
    public io.finetune4j.torch.Device device() {
        for (Parameter p : namedParameters().values()) {
            if (p.hasData()) {
                return p.data().device();
            }
        }
        return io.finetune4j.torch.Device.cpu();
    }

    /** The folder the weights came from, or null for a randomly initialised model. */
    public Path sourceDir() {
        return sourceDir;
    }

    /** Missing / unused weights of the last {@code fromPretrained}, or null for a random model. */
    public LoadReport loadReport() {
        return loadReport;
    }

    /** Parameters by HF state-dict name in HF's order (cached: the tree never changes after construction). */
    @Override
    public Map<String, Parameter> namedParameters() {
        if (parameters == null) {
            parameters = Collections.unmodifiableMap(super.namedParameters());
        }
        return parameters;
    }

    /**
     * HF's {@code config._attn_implementation}: eager, sdpa, or auto (null: the faster one for the input's device and
     * dtype, see {@link AttnImplementation}). Not written to config.json, as in HF.
     */
    public String attnImplementation() {
        return attnImplementation.requested();
    }

    /**
     * HF's {@code set_attn_implementation}: switches every attention module of this model (eager, sdpa, or null/"auto");
     * sdpa on a model without it (DeBERTa's disentangled attention) is refused with one line, as HF raises.
     */
    public void setAttnImplementation(String value) {
        String v = AttnImplementation.validate(value);
        if (AttnImplementation.SDPA.equals(v) && !supportsSdpa()) {
            throw new BadInputException(architecture() + " does not support attn_implementation 'sdpa' (its disentangled attention has "
                    + "no fused form, as in HF); use eager or leave it unset");
        }
        attnImplementation.set(v);
    }

    /** One line for {@code model show}: which attention runs (what auto resolves to where, or eager-only for DeBERTa). */
    public String attnImplementationLine() {
        if (!supportsSdpa()) {
            return "attn_implementation: eager (" + architecture() + " has only its eager attention)";
        }
        return "attn_implementation: " + attnImplementation.describe();
    }

    /** HF's {@code _supports_sdpa}: false where the attention is not softmax(q·kᵀ/√d + mask)·v (DeBERTa). */
    protected boolean supportsSdpa() {
        return true;
    }

    /** The pattern of the task head's parameters (what {@link #freezeAllButHead()} keeps trainable). */
    protected abstract String headPattern();

    /** HF's class name, written to config.json's architectures. */
    public String architecture() {
        return getClass().getSimpleName();
    }

    // ---- loading -------------------------------------------------------------------------------

    /** Builds {@code modelClass} from a checkpoint folder: its config.json (already read), the load options, then the weights. */
    static <M extends PreTrainedModel> M load(Path dir, PretrainedConfig config, LoadOptions options, ModelClass<M> modelClass) {
        if (options.id2label() != null) {
            config = config.withId2label(options.id2label());
        } else if (options.numLabels() != null && options.numLabels() != config.numLabels()) {
            config = config.withNumLabels(options.numLabels());
        }
        if (options.problemType() != null) {
            config = config.withProblemType(options.problemType());
        }
        if (options.numHiddenLayers() != null) {
            config = config.withNumHiddenLayers(options.numHiddenLayers());
        }
        ModelFamily family = config.family();
        Map<String, Tensor> weights = modelClass.renames().apply(
                CheckpointNames.normalize(SafeTensors.readCheckpoint(dir), family.basePrefix()));
        checkLayersInCheckpoint(dir, family, config, weights);
        // Layers cut by an explicit override are dropped quietly (one INFO line); layers config.json itself leaves out
        // are unused weights, which HF warns about.
        List<String> dropped = new ArrayList<>();
        Map<String, Tensor> kept = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            if (options.numHiddenLayers() != null && family.layerIndex(e.getKey()) >= config.numHiddenLayers()) {
                dropped.add(e.getKey());
            } else {
                kept.put(e.getKey(), e.getValue());
            }
        }
        ParameterFactory factory = ParameterFactory.fromCheckpoint(deviceOrDefault(options.device()), options.seed(), config.initializerRange(), kept);
        M model = modelClass.build(config, factory);
        try {
            model.setAttnImplementation(options.attnImplementation());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        Set<String> unexpected = new TreeSet<>(kept.keySet());
        unexpected.removeAll(factory.used());
        unexpected.removeAll(modelClass.ignorable());
        List<String> missing = new ArrayList<>(new TreeSet<>(factory.missing()));
        Collections.sort(dropped);
        LoadReport report = new LoadReport(dir, modelClass.name(), missing, new ArrayList<>(unexpected), dropped);
        ((PreTrainedModel) model).sourceDir = dir;
        ((PreTrainedModel) model).loadReport = report;
        report.warnings().forEach(LOG::warn);
        if (!dropped.isEmpty()) {
            LOG.info(report.droppedLayersNote());
        }
        return model;
    }

    /**
     * A config.json that declares more layers than the checkpoint holds is refused before anything is allocated
     * (HF would build them all and initialise the extra ones at random).
     */
    private static void checkLayersInCheckpoint(Path dir, ModelFamily family, PretrainedConfig config, Map<String, Tensor> weights) {
        int held = 0;
        for (String name : weights.keySet()) {
            held = Math.max(held, family.layerIndex(name) + 1);
        }
        if (held > 0 && config.numHiddenLayers() > held) {
            throw new BadInputException(dir.resolve(PretrainedConfig.FILE_NAME) + ": num_hidden_layers is " + config.numHiddenLayers()
                    + " but the checkpoint holds " + held + " layers; fix num_hidden_layers in config.json");
        }
    }

    /** The family config a model class needs, or one clear line naming what the folder holds. */
    protected static <C extends PretrainedConfig> C configAs(Class<C> type, PretrainedConfig config, String modelClass) {
        if (!type.isInstance(config)) {
            throw new BadInputException("config.json has model_type '" + config.modelType() + "' but " + modelClass + " needs a "
                    + type.getSimpleName() + "; load the folder with AutoModelForSequenceClassification or AutoModelForMaskedLM");
        }
        return type.cast(config);
    }

    /** {@code device}, or the default one (the first GPU when there is one, else cpu) when null. */
    static io.finetune4j.torch.Device deviceOrDefault(io.finetune4j.torch.Device device) {
        return device != null ? device : io.finetune4j.io.Environment.device(false);
    }

    // ---- state dict and saving -----------------------------------------------------------------

    /** Current parameter values by HF name (float32 copies on the heap). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> out.put(name, Tensor.ofFloats(p.shape(), p.data().toFloatArray())));
        return out;
    }

    /** Replaces parameter values by name; every parameter must be present with the same shape. Gradient flags are kept. */
    public void loadWeights(Map<String, Tensor> weights) {
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null) {
                throw new BadInputException("weights lack '" + e.getKey() + "'; give every parameter of " + architecture());
            }
            Parameter p = e.getValue();
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new BadInputException("weight '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + " but the model needs " + Arrays.toString(p.shape()));
            }
            io.finetune4j.torch.Tensor data = p.data();
            // torch refuses in-place writes to leaves that require grad: switch it off for the copy.
            data.requiresGrad_(false);
            try (io.finetune4j.torch.Tensor values = io.finetune4j.torch.Tensor.of(t.toFloats(), t.shape())) {
                data.copy_(values);
            }
            data.requiresGrad_(p.requiresGrad());
        }
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} (float32, HF names) into {@code dir}, each
     * file atomically, plus the tokenizer files of the folder the model was loaded from. Python
     * {@code transformers} loads the result with {@code from_pretrained(dir)}.
     */
    public void savePretrained(Path dir) {
        savePretrained(dir, true);
    }

    /**
     * {@code safeSerialization} false (the Trainer's save_safetensors false): the weights as {@code pytorch_model.bin},
     * torch.save of the state dict (float32 tensors by HF name), which torch.load and from_pretrained read. A
     * model.safetensors left in {@code dir} by an earlier save is removed after the new file is written, as
     * from_pretrained would prefer it.
     */
    public void savePretrained(Path dir, boolean safeSerialization) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        if (safeSerialization) {
            SafeTensors.write(dir.resolve(SafeTensors.SINGLE_FILE), stateDict(), Map.of("format", "pt"));
        } else {
            TorchSave.write(dir.resolve(TorchCheckpoint.SINGLE_FILE), stateDict());
            deleteStale(dir.resolve(SafeTensors.SINGLE_FILE));
        }
        config.withArchitectures(List.of(architecture())).save(dir);
        if (sourceDir != null && !sourceDir.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
            for (String name : TOKENIZER_FILES) {
                Path from = sourceDir.resolve(name);
                if (Files.isRegularFile(from)) {
                    AtomicFiles.writeFile(dir.resolve(name), tmp -> Files.copy(from, tmp));
                }
            }
        }
    }

    private static void deleteStale(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale " + file + ": " + e.getMessage(), e);
        }
    }

    // ---- freezing and counting -----------------------------------------------------------------

    /** Stops gradients for every parameter whose HF name matches {@code regex} (find()); returns how many matched. */
    public int freeze(String regex) {
        return setFrozen(regex, true);
    }

    /** Lets gradients flow again for parameters whose name matches {@code regex}; returns how many matched. */
    public int unfreeze(String regex) {
        return setFrozen(regex, false);
    }

    /** Freezes everything except the parameters matching {@code regex}; returns how many stay trainable. */
    public int trainable(String regex) {
        Pattern p = compile(regex);
        int n = 0;
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            boolean train = p.matcher(e.getKey()).find();
            e.getValue().requiresGrad_(train);
            n += train ? 1 : 0;
        }
        if (n == 0) {
            throw new BadInputException("no parameter name matches '" + regex + "'; names look like bert.encoder.layer.0.attention.self.query.weight");
        }
        return n;
    }

    /** Only the task head stays trainable (the seed's "pooler + classifier" experiment). */
    public int freezeAllButHead() {
        return trainable(headPattern());
    }

    /** Unfreezes the top {@code k} encoder layers (counting from the last). */
    public int unfreezeTopLayers(int k) {
        int layers = config.numHiddenLayers();
        if (k < 1 || k > layers) {
            throw new BadInputException("unfreezeTopLayers needs 1.." + layers + " layers, got " + k);
        }
        List<Integer> ids = new ArrayList<>();
        for (int i = layers - k; i < layers; i++) {
            ids.add(i);
        }
        return unfreeze(family().layerPattern(ids));
    }

    private int setFrozen(String regex, boolean frozen) {
        Pattern p = compile(regex);
        int n = 0;
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            if (p.matcher(e.getKey()).find()) {
                e.getValue().requiresGrad_(!frozen);
                n++;
            }
        }
        if (n == 0) {
            throw new BadInputException("no parameter name matches '" + regex + "'; names look like bert.encoder.layer.0.attention.self.query.weight");
        }
        return n;
    }

    private String exampleName() {
        return namedParameters().keySet().stream().skip(Math.min(4, namedParameters().size() - 1)).findFirst().orElse("(none)");
    }

    private static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new BadInputException("bad parameter name pattern '" + regex + "': " + e.getDescription());
        }
    }

    /** Whether gradients flow to {@code name}. */
    public boolean isTrainable(String name) {
        Parameter p = namedParameters().get(name);
        if (p == null) {
            throw new BadInputException("no parameter named '" + name + "'");
        }
        return p.requiresGrad();
    }

    /** Number of scalar parameters (torch's {@code numel} summed), all or only those that get gradients. */
    public long numParameters(boolean onlyTrainable) {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            if (!onlyTrainable || p.requiresGrad()) {
                n += Tensor.numel(p.shape());
            }
        }
        return n;
    }

    /** The seed notebook's three lines: "Total parameters: …", "Trainable parameters: …", "Percentage trainable: 0.54%". */
    public String parameterSummary() {
        long all = numParameters(false);
        long train = numParameters(true);
        return "Total parameters: " + all + "\nTrainable parameters: " + train
                + "\nPercentage trainable: " + String.format(Locale.ROOT, "%.2f%%", all == 0 ? 0.0 : 100.0 * train / all);
    }

    /** PEFT's {@code print_trainable_parameters()} line: "trainable params: 592,130 || all params: 109,483,778 || trainable%: 0.5408". */
    public String trainableParametersLine() {
        long all = numParameters(false);
        long train = numParameters(true);
        return String.format(Locale.ROOT, "trainable params: %,d || all params: %,d || trainable%%: %.4f", train, all,
                all == 0 ? 0.0 : 100.0 * train / all);
    }

    /** Names of the parameters that get gradients, in HF order. */
    public List<String> trainableParameterNames() {
        List<String> out = new ArrayList<>();
        namedParameters().forEach((n, p) -> {
            if (p.requiresGrad()) {
                out.add(n);
            }
        });
        return out;
    }

    /** Sets the gradients of all trainable parameters to zero (torch's {@code zero_grad}); gradients accumulate otherwise. */
    public void zeroGradients() {
        for (Parameter p : namedParameters().values()) {
            if (p.hasData()) {
                Gradients.zero(p.data());
            }
        }
    }

    /** The module tree as PyTorch's {@code print(model)} shows it. */
    public String printModel() {
        return toString();
    }

    /** Frees the parameters. */
    @Override
    public void close() {
        for (Parameter p : namedParameters().values()) {
            p.close();
        }
    }

    protected static Set<String> setOf(String... names) {
        return new HashSet<>(Arrays.asList(names));
    }
}
