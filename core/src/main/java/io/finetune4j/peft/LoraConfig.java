package io.finetune4j.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PEFT's {@code LoraConfig} with its names and defaults, and its {@code adapter_config.json} form.
 *
 * @param r rank of the update {@code B·A}
 * @param loraAlpha the update is scaled by {@code lora_alpha / r} ({@code / sqrt(r)} with rsLoRA)
 * @param loraDropout dropout on the adapter's input while training
 * @param targetModules module names to adapt: a module matches when its dotted name equals or ends with
 *     {@code "." + target}; a single-element list written as a string in JSON is a full-match regex
 * @param targetRegex true when {@code targetModules} holds one regex (PEFT's string form)
 * @param bias which biases train and are saved: none, all, lora_only
 * @param modulesToSave modules trained in full and saved with the adapter (null: PEFT's default; for
 *     SEQ_CLS the classifier is always added, as PEFT does)
 * @param fanInFanOut PEFT's flag for Conv1D weights stored [in, out]; BERT's linears are [out, in], so it must be false
 * @param taskType PEFT's task type (SEQ_CLS)
 * @param useRslora rank-stabilised scaling {@code alpha / sqrt(r)}
 */
public record LoraConfig(int r, int loraAlpha, double loraDropout, List<String> targetModules, boolean targetRegex,
        Bias bias, List<String> modulesToSave, boolean fanInFanOut, String taskType, boolean useRslora) {
    private static final Logger LOG = LoggerFactory.getLogger(LoraConfig.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** PEFT's weights file with safe_serialization=False (torch.save of the adapter's state dict). */
    public static final String TORCH_WEIGHTS_FILE = "adapter_model.bin";

    /** PEFT's {@code bias} choices. */
    public enum Bias {
        NONE, ALL, LORA_ONLY;

        public String key() {
            return name().toLowerCase();
        }

        static Bias parse(String s) {
            for (Bias b : values()) {
                if (b.key().equals(s)) {
                    return b;
                }
            }
            throw new BadInputException("bias '" + s + "' is unknown; use none, all or lora_only");
        }
    }

    public LoraConfig {
        if (r < 1) {
            throw new BadInputException("LoRA r must be >= 1, got " + r);
        }
        if (loraDropout < 0 || loraDropout >= 1) {
            throw new BadInputException("lora_dropout must be in [0, 1), got " + loraDropout);
        }
        if (targetModules != null && targetModules.isEmpty()) {
            throw new BadInputException("target_modules is empty; name the linear layers to adapt, e.g. [query, value]");
        }
        targetModules = targetModules == null ? null : List.copyOf(targetModules); // null: the model family's default
        modulesToSave = modulesToSave == null ? null : List.copyOf(modulesToSave);
        if (fanInFanOut) {
            // PEFT does the same for nn.Linear targets: warn and switch it off.
            LOG.warn("fan_in_fan_out is true but the model's layers are torch.nn.Linear; setting fan_in_fan_out to false");
            fanInFanOut = false;
        }
        if (taskType == null) {
            taskType = "SEQ_CLS";
        }
        if (!taskType.equals("SEQ_CLS")) {
            throw new BadInputException("task_type '" + taskType + "' is not supported; finetune4j's LoRA adapts sequence classifiers (SEQ_CLS)");
        }
    }

    /** A copy adapting {@code modules} (how a null target_modules becomes the family's default). */
    public LoraConfig withTargetModules(List<String> modules) {
        return new LoraConfig(r, loraAlpha, loraDropout, modules, false, bias, modulesToSave, fanInFanOut, taskType, useRslora);
    }

    /** {@code lora_alpha / r}, or {@code / sqrt(r)} with use_rslora. */
    public double scaling() {
        return useRslora ? loraAlpha / Math.sqrt(r) : (double) loraAlpha / r;
    }

    /** Whether PEFT would adapt the module with this dotted name. */
    public boolean targets(String moduleName) {
        if (targetRegex) {
            return moduleName.matches(targetModules.get(0));
        }
        for (String t : targetModules) {
            if (moduleName.equals(t) || moduleName.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }

    /** The modules trained in full: modules_to_save plus, for SEQ_CLS, PEFT's classifier names. */
    public List<String> effectiveModulesToSave() {
        List<String> out = new ArrayList<>();
        if (modulesToSave != null) {
            out.addAll(modulesToSave);
        }
        for (String head : List.of("classifier", "score")) {
            if (!out.contains(head)) {
                out.add(head);
            }
        }
        return out;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** PEFT's defaults: r 8, lora_alpha 8, lora_dropout 0, target_modules the family's (query, value for BERT), bias none, SEQ_CLS. */
    public static LoraConfig defaults() {
        return builder().build();
    }

    public static final class Builder {
        private int r = 8;
        private int loraAlpha = 8;
        private double loraDropout = 0.0;
        private List<String> targetModules; // null: the family's default, as PEFT
        private boolean targetRegex;
        private Bias bias = Bias.NONE;
        private List<String> modulesToSave;
        private boolean fanInFanOut;
        private String taskType = "SEQ_CLS";
        private boolean useRslora;

        public Builder r(int v) { r = v; return this; }
        public Builder loraAlpha(int v) { loraAlpha = v; return this; }
        public Builder loraDropout(double v) { loraDropout = v; return this; }
        public Builder targetModules(List<String> v) { targetModules = v; targetRegex = false; return this; }
        /** PEFT's string form of target_modules: a regex that must match the whole module name. */
        public Builder targetModulesRegex(String regex) { targetModules = List.of(regex); targetRegex = true; return this; }
        public Builder bias(Bias v) { bias = v; return this; }
        public Builder bias(String v) { bias = Bias.parse(v); return this; }
        public Builder modulesToSave(List<String> v) { modulesToSave = v; return this; }
        public Builder fanInFanOut(boolean v) { fanInFanOut = v; return this; }
        public Builder taskType(String v) { taskType = v; return this; }
        public Builder useRslora(boolean v) { useRslora = v; return this; }

        public LoraConfig build() {
            return new LoraConfig(r, loraAlpha, loraDropout, targetModules, targetRegex, bias, modulesToSave, fanInFanOut, taskType, useRslora);
        }
    }

    // ---- adapter_config.json -------------------------------------------------------------------

    /** The fields of PEFT's adapter_config.json (sorted keys, as PEFT writes them), inference_mode true as PEFT saves it. */
    public Map<String, Object> toJsonMap(String baseModelNameOrPath) {
        Map<String, Object> m = new TreeMap<>();
        m.put("alpha_pattern", Map.of());
        m.put("auto_mapping", null);
        m.put("base_model_name_or_path", baseModelNameOrPath);
        m.put("bias", bias.key());
        m.put("fan_in_fan_out", fanInFanOut);
        m.put("inference_mode", true);
        m.put("init_lora_weights", true);
        m.put("layers_pattern", null);
        m.put("layers_to_transform", null);
        m.put("lora_alpha", loraAlpha);
        m.put("lora_dropout", loraDropout);
        m.put("modules_to_save", modulesToSave);
        m.put("peft_type", "LORA");
        m.put("r", r);
        m.put("rank_pattern", Map.of());
        m.put("revision", null);
        m.put("target_modules", targetRegex ? targetModules.get(0) : targetModules);
        m.put("task_type", taskType);
        m.put("use_dora", false);
        m.put("use_rslora", useRslora);
        return m;
    }

    public void save(Path dir, String baseModelNameOrPath) {
        try {
            AtomicFiles.writeString(dir.resolve(CONFIG_FILE), JSON.writeValueAsString(toJsonMap(baseModelNameOrPath)) + "\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads an adapter_config.json written by PEFT or by {@link #save}. */
    public static LoraConfig load(Path dir) {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("no " + CONFIG_FILE + " in " + dir + "; give the folder PEFT's save_pretrained or finetune4j wrote");
        }
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException("cannot parse " + file + ": " + e.getMessage());
        }
        String type = n.path("peft_type").asText("");
        if (!type.equals("LORA")) {
            throw new BadInputException(file + " has peft_type '" + type + "'; only LORA adapters are supported");
        }
        if (n.path("use_dora").asBoolean(false)) {
            throw new BadInputException(file + " is a DoRA adapter (use_dora true); only plain LoRA is supported");
        }
        for (String key : List.of("rank_pattern", "alpha_pattern")) {
            if (n.path(key).isObject() && n.path(key).size() > 0) {
                throw new BadInputException(file + " sets " + key + "; per-module ranks are not supported, retrain with one r");
            }
        }
        if (!n.path("layers_to_transform").isNull() && !n.path("layers_to_transform").isMissingNode()) {
            throw new BadInputException(file + " sets layers_to_transform; adapt every layer (leave it null)");
        }
        Builder b = builder()
                .r(n.path("r").asInt(8))
                .loraAlpha(n.path("lora_alpha").asInt(8))
                .loraDropout(n.path("lora_dropout").asDouble(0.0))
                .bias(n.path("bias").asText("none"))
                .fanInFanOut(n.path("fan_in_fan_out").asBoolean(false))
                .taskType(n.path("task_type").isTextual() ? n.path("task_type").asText() : "SEQ_CLS")
                .useRslora(n.path("use_rslora").asBoolean(false));
        JsonNode targets = n.path("target_modules");
        if (targets.isTextual()) {
            b.targetModulesRegex(targets.asText());
        } else if (targets.isArray()) {
            b.targetModules(strings(targets));
        } else {
            throw new BadInputException(file + " has no target_modules");
        }
        if (n.path("modules_to_save").isArray()) {
            b.modulesToSave(strings(n.path("modules_to_save")));
        }
        return b.build();
    }

    /** base_model_name_or_path of an adapter_config.json (null when absent). */
    public static String baseModelNameOrPath(Path dir) {
        try {
            JsonNode v = JSON.readTree(dir.resolve(CONFIG_FILE).toFile()).path("base_model_name_or_path");
            return v.isTextual() ? v.asText() : null;
        } catch (IOException e) {
            throw new BadInputException("cannot parse " + dir.resolve(CONFIG_FILE) + ": " + e.getMessage());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            out.add(it.next().asText());
        }
        return out;
    }
}
