package io.finetune4j.peft;

import io.finetune4j.nn.Parameter;
import io.finetune4j.BadInputException;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.io.TorchCheckpoint;
import io.finetune4j.io.TorchSave;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.models.auto.AutoConfig;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PEFT's {@code get_peft_model(model, LoraConfig)} for a sequence classifier of any family: every targeted
 * linear layer gets a {@link LoraLinear} term, every base weight is frozen, the classifier (and other
 * modules_to_save) and the chosen biases stay trainable. The Trainer trains it like any
 * {@link SequenceClassifier}.
 *
 * <p>Names follow PEFT. {@link #namedParameters()} are PEFT's {@code named_parameters()}:
 * {@code base_model.model.bert.encoder.layer.0.attention.self.query.base_layer.weight},
 * {@code ….query.lora_A.default.weight}, {@code base_model.model.classifier.weight} (PEFT trains a copy
 * of modules_to_save; here the module itself trains, so there is no {@code modules_to_save.default} copy).
 * {@link #stateDict()} and the saved adapter use PEFT's {@code get_peft_model_state_dict} keys
 * ({@code ….query.lora_A.weight}, {@code base_model.model.classifier.weight}), so
 * {@code PeftModel.from_pretrained} loads what {@link #savePretrained} writes and vice versa.
 */
public final class LoraModel implements SequenceClassifier {
    private static final Logger LOG = LoggerFactory.getLogger(LoraModel.class);
    static final String PREFIX = "base_model.model.";
    private static final String ADAPTER = "default";

    private SequenceClassificationModel base;
    private final LoraConfig config;
    private final String baseModelNameOrPath;
    private final Map<String, LoraLinear> adapters = new LinkedHashMap<>(); // module name → LoRA term
    private final Map<String, Parameter> named = new LinkedHashMap<>();
    private final Map<String, Parameter> saved = new LinkedHashMap<>(); // adapter_model.safetensors key → parameter

    private LoraModel(SequenceClassificationModel base, LoraConfig config, long seed, boolean trainable) {
        this.base = base;
        // PEFT: target_modules None means the family's default (TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING).
        this.config = config.targetModules() == null ? config.withTargetModules(base.family().loraTargetModules()) : config;
        config = this.config;
        this.baseModelNameOrPath = base.sourceDir() == null ? null : base.sourceDir().toString();
        Map<String, Module> modules = modules(base);
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            if (config.targets(e.getKey())) {
                if (!(e.getValue() instanceof TorchLinear linear)) {
                    throw new BadInputException("target module '" + e.getKey() + "' is a " + e.getValue().getClass().getSimpleName()
                            + "; LoRA adapts only linear layers (query, key, value, dense, classifier)");
                }
                adapters.put(e.getKey(), new LoraLinear(linear, e.getKey(), config, seed));
            }
        }
        if (adapters.isEmpty()) {
            throw new BadInputException("target_modules " + config.targetModules() + " match no module of the model; "
                    + "its linear layers are " + linearNames(modules));
        }
        Set<String> fullModules = new LinkedHashSet<>();
        for (String wanted : config.effectiveModulesToSave()) {
            boolean found = false;
            for (String m : modules.keySet()) {
                if (m.endsWith(wanted) && !adapters.containsKey(m)) {
                    fullModules.add(m);
                    found = true;
                }
            }
            if (!found) {
                // PEFT's rule (_set_trainable): names match module names by suffix, and a name that matches
                // nothing is ignored; PEFT's own SEQ_CLS adapters list both "classifier" and "score".
                LOG.debug("modules_to_save '{}' matches no module of {}; ignored, as PEFT does", wanted, base.getClass().getSimpleName());
            }
        }
        for (Map.Entry<String, Parameter> e : base.namedParameters().entrySet()) {
            String name = e.getKey();
            Parameter p = e.getValue();
            String module = name.substring(0, name.lastIndexOf('.'));
            String leaf = name.substring(name.lastIndexOf('.') + 1);
            LoraLinear lora = adapters.get(module);
            boolean full = fullModules.stream().anyMatch(m -> module.equals(m) || module.startsWith(m + "."));
            boolean bias = leaf.equals("bias") && (config.bias() == LoraConfig.Bias.ALL
                    || (config.bias() == LoraConfig.Bias.LORA_ONLY && lora != null));
            String peftName = lora != null ? PREFIX + module + ".base_layer." + leaf : PREFIX + name;
            named.put(peftName, p);
            p.requiresGrad_(trainable && (full || bias));
            if (full || bias) {
                saved.put(peftName, p);
            }
            // After the base layer (its bias, or its weight when it has none: ModernBERT's Wqkv), as PEFT registers lora_A/lora_B.
            if (lora != null && (leaf.equals("bias") || (leaf.equals("weight") && lora.base().bias() == null))) {
                named.put(PREFIX + module + ".lora_A." + ADAPTER + ".weight", lora.loraA());
                named.put(PREFIX + module + ".lora_B." + ADAPTER + ".weight", lora.loraB());
                saved.put(PREFIX + module + ".lora_A.weight", lora.loraA());
                saved.put(PREFIX + module + ".lora_B.weight", lora.loraB());
                lora.loraA().requiresGrad_(trainable);
                lora.loraB().requiresGrad_(trainable);
            }
        }
        adapters.forEach((module, lora) -> lora.base().setAdapter(lora));
    }

    /** PEFT's {@code get_peft_model}: LoRA on {@code model}'s targeted layers, ready to train; {@code seed} draws A. */
    public static LoraModel wrap(SequenceClassificationModel model, LoraConfig config, long seed) {
        if (model.namedParameters().values().stream().noneMatch(Parameter::hasData)) {
            throw new BadInputException("cannot add LoRA to a shapes-only model; load or create one with weights");
        }
        return new LoraModel(model, config, seed, true);
    }

    /**
     * PEFT's {@code PeftModel.from_pretrained(model, adapterDir, is_trainable)}: puts the saved adapter onto
     * {@code model}; without {@code trainable} every parameter is frozen (inference mode).
     */
    public static LoraModel fromPretrained(SequenceClassificationModel model, Path adapterDir, boolean trainable) {
        LoraModel m = new LoraModel(model, LoraConfig.load(adapterDir), 0, trainable);
        m.loadAdapterWeights(adapterDir);
        return m;
    }

    /** Loads the base checkpoint (with the adapter's number of labels) and the adapter on top, for inference. */
    public static LoraModel load(Path baseModelDir, Path adapterDir) {
        return load(baseModelDir, adapterDir, false);
    }

    public static LoraModel load(Path baseModelDir, Path adapterDir, boolean trainable) {
        Map<String, Tensor> weights = readAdapter(adapterDir);
        Tensor head = weights.get(PREFIX + "classifier.weight");
        LoadOptions.Builder options = LoadOptions.builder();
        if (head != null) {
            options.numLabels((int) head.shape()[0]);
        }
        if (Files.isRegularFile(adapterDir.resolve(PretrainedConfig.FILE_NAME))) { // written by savePretrained: the base as trained
            PretrainedConfig trained = AutoConfig.fromPretrained(adapterDir);
            options.numHiddenLayers(trained.numHiddenLayers()).numLabels(trained.numLabels()).id2label(trained.id2label())
                    .problemType(trained.problemType());
        }
        SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(baseModelDir, options.build());
        try {
            return fromPretrained(model, adapterDir, trainable);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** adapter_model.safetensors, else (PEFT's safe_serialization=False) adapter_model.bin. */
    private static Map<String, Tensor> readAdapter(Path dir) {
        Path file = dir.resolve(LoraConfig.WEIGHTS_FILE);
        if (Files.isRegularFile(file)) {
            return SafeTensors.read(file);
        }
        Path bin = dir.resolve(LoraConfig.TORCH_WEIGHTS_FILE);
        if (Files.isRegularFile(bin)) {
            return TorchCheckpoint.read(bin);
        }
        throw new BadInputException("no " + LoraConfig.WEIGHTS_FILE + " or " + LoraConfig.TORCH_WEIGHTS_FILE + " in " + dir);
    }

    private void loadAdapterWeights(Path dir) {
        loadWeights(readAdapter(dir));
    }

    /** The distinct last names of the linear layers, e.g. query, key, value, dense, classifier. */
    private static String linearNames(Map<String, Module> modules) {
        Set<String> names = new LinkedHashSet<>();
        modules.forEach((name, m) -> {
            if (m instanceof TorchLinear) {
                names.add(name.substring(name.lastIndexOf('.') + 1));
            }
        });
        return String.join(", ", names);
    }

    private static List<String> topLevel(Map<String, Module> modules) {
        return modules.keySet().stream().filter(n -> n.split("\\.").length <= 2).toList();
    }

    /** Modules by dotted name (torch's named_modules, without the root). */
    private static Map<String, Module> modules(Module root) {
        Map<String, Module> out = new LinkedHashMap<>();
        collect("", root, out);
        return out;
    }

    private static void collect(String prefix, Module m, Map<String, Module> out) {
        m.namedChildren().forEach((name, child) -> {
            out.put(prefix + name, child);
            collect(prefix + name + ".", child, out);
        });
    }

    // ---- SequenceClassifier --------------------------------------------------------------------

    @Override
    public Map<String, Parameter> namedParameters() {
        return Collections.unmodifiableMap(named);
    }

    /** The base model's logits with the LoRA terms ({@code training} turns their dropout on). */
    @Override
    public io.finetune4j.torch.Tensor logits(io.finetune4j.torch.Tensor inputIds, io.finetune4j.torch.Tensor tokenTypeIds,
            io.finetune4j.torch.Tensor attentionMask, boolean training) {
        SequenceClassificationModel b = live();
        adapters.values().forEach(a -> a.setTraining(training));
        return b.logits(inputIds, tokenTypeIds, attentionMask, training);
    }

    /** The base model's loss (its problem_type). */
    @Override
    public io.finetune4j.torch.Tensor loss(io.finetune4j.torch.Tensor logits, io.finetune4j.torch.Tensor labels) {
        return live().loss(logits, labels);
    }

    @Override
    public String problemType(boolean integerLabels) {
        return live().problemType(integerLabels);
    }

    @Override
    public String configProblemType() {
        return live().configProblemType();
    }

    @Override
    public int numLabels() {
        return live().numLabels();
    }

    @Override
    public Map<Integer, String> id2label() {
        return live().id2label();
    }

    @Override
    public io.finetune4j.torch.Device device() {
        return live().device();
    }

    /** PEFT's {@code save_pretrained}: adapter_config.json + adapter_model.safetensors (only the adapter's tensors). */
    @Override
    public void savePretrained(Path dir) {
        savePretrained(dir, true);
    }

    /** {@code safeSerialization} false: adapter_model.bin (torch.save of the adapter's state dict), as PEFT writes it. */
    @Override
    public void savePretrained(Path dir, boolean safeSerialization) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        if (safeSerialization) {
            SafeTensors.write(dir.resolve(LoraConfig.WEIGHTS_FILE), stateDict(), Map.of("format", "pt"));
        } else {
            TorchSave.write(dir.resolve(LoraConfig.TORCH_WEIGHTS_FILE), stateDict());
            try {
                Files.deleteIfExists(dir.resolve(LoraConfig.WEIGHTS_FILE)); // PEFT's loader would prefer a stale one
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the stale " + dir.resolve(LoraConfig.WEIGHTS_FILE) + ": " + e.getMessage(), e);
            }
        }
        config.save(dir, baseModelNameOrPath);
        // The base as it was trained: base_model_name_or_path names the checkpoint, but a run may have cut
        // it (num_hidden_layers) and named its labels. PEFT ignores this file; load() and the pipeline use it,
        // and Python users can pass it as the base's config.
        live().config().withArchitectures(List.of(live().architecture())).save(dir);
    }

    /** Restores the adapter a Trainer checkpoint holds (adapter_model.safetensors or adapter_model.bin). */
    @Override
    public void loadCheckpoint(Path dir) {
        loadAdapterWeights(dir);
    }

    /**
     * PEFT's {@code set_peft_model_state_dict}: sets the adapter's tensors by their saved keys; every one
     * must be present with its shape (the frozen base is untouched).
     */
    @Override
    public void loadWeights(Map<String, Tensor> weights) {
        live();
        for (Map.Entry<String, Parameter> e : saved.entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null) {
                throw new BadInputException("the adapter lacks '" + e.getKey() + "'; was it saved with the same target_modules, bias and modules_to_save?");
            }
            Parameter p = e.getValue();
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new BadInputException("adapter tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + " but the model needs " + Arrays.toString(p.shape()) + "; was it trained with another r or base model?");
            }
            copyInto(p, t.toFloats());
        }
    }

    /** PEFT's {@code get_peft_model_state_dict}: the adapter's tensors by the keys PEFT saves (float32 copies). */
    @Override
    public Map<String, Tensor> stateDict() {
        live();
        Map<String, Tensor> out = new LinkedHashMap<>();
        saved.forEach((name, p) -> out.put(name, Tensor.ofFloats(p.shape(), p.data().toFloatArray())));
        return out;
    }

    // ---- PEFT's helpers ------------------------------------------------------------------------

    public LoraConfig config() {
        return config;
    }

    /** The wrapped model (its forward includes the LoRA terms until {@link #mergeAndUnload()}). */
    public SequenceClassificationModel baseModel() {
        return live();
    }

    /** Dotted names of the adapted linear layers, in model order. */
    public List<String> targetedModules() {
        return new ArrayList<>(adapters.keySet());
    }

    /** Parameter counts like PEFT's get_nb_trainable_parameters (LoRA included; no modules_to_save copy to count). */
    public long numParameters(boolean onlyTrainable) {
        long n = 0;
        for (Parameter p : named.values()) {
            if (!onlyTrainable || p.requiresGrad()) {
                n += Tensor.numel(p.shape());
            }
        }
        return n;
    }

    /** PEFT's print_trainable_parameters() line, returned rather than printed. */
    public String trainableParametersLine() {
        long all = numParameters(false);
        long train = numParameters(true);
        return String.format(Locale.ROOT, "trainable params: %,d || all params: %,d || trainable%%: %.4f", train, all,
                all == 0 ? 0.0 : 100.0 * train / all);
    }

    /**
     * PEFT's {@code merge_and_unload()}: adds {@code B·A·scaling} to each adapted weight, removes the LoRA
     * terms and returns the plain model (whose {@code savePretrained} writes a normal HF checkpoint).
     * Parameters keep their frozen flags, as in PEFT. This LoraModel is unusable afterwards.
     */
    public SequenceClassificationModel mergeAndUnload() {
        SequenceClassificationModel b = live();
        for (LoraLinear lora : adapters.values()) {
            Parameter w = lora.base().weight();
            try (Scope tmp = Scope.open(); io.finetune4j.torch.Autograd noGrad = io.finetune4j.torch.Autograd.noGrad()) {
                io.finetune4j.torch.Tensor merged = lora.mergedDelta()
                        .add_(io.finetune4j.torch.Tensor.of(w.data().toFloatArray(), w.shape()).to(w.data().device()));
                copyInto(w, merged.toFloatArray());
            }
            lora.base().setAdapter(null);
            lora.loraA().close();
            lora.loraB().close();
        }
        base = null;
        return b;
    }

    /** {@code p.data().copy_(values)} on a leaf (torch refuses in-place writes to leaves that require grad). */
    private static void copyInto(Parameter p, float[] values) {
        io.finetune4j.torch.Tensor data = p.data();
        boolean requiresGrad = data.requiresGrad();
        data.requiresGrad_(false);
        try (io.finetune4j.torch.Tensor src = io.finetune4j.torch.Tensor.of(values, p.shape())) {
            data.copy_(src);
        }
        data.requiresGrad_(requiresGrad);
    }

    private SequenceClassificationModel live() {
        if (base == null) {
            throw new IllegalStateException("this LoraModel was merged and unloaded; use the model mergeAndUnload() returned");
        }
        return base;
    }

    /** Closes the base model and the adapter's parameters. */
    @Override
    public void close() {
        if (base != null) {
            base.close();
            adapters.values().forEach(lora -> lora.parameters().forEach(Parameter::close));
        }
    }

    @Override
    public String toString() {
        return "LoraModel(r=" + config.r() + ", lora_alpha=" + config.loraAlpha() + ", target_modules=" + targetedModules() + ")\n"
                + live().printModel();
    }
}
