package io.finetune4j.tasks;

import io.finetune4j.config.Arg;
import java.util.List;
import java.util.Map;

/** Which model to fine-tune and how much of it (HF's run_glue.py ModelArguments, plus freezing). */
public final class ModelArguments {
    @Arg(name = "model_name_or_path", help = "A HF checkpoint folder, or a known name (bert-base-uncased) fetched into the cache.")
    String modelNameOrPath = "bert-base-uncased";
    @Arg(name = "num_hidden_layers", help = "Keep only the first N encoder layers of the checkpoint (CPU-sized runs); default all.")
    Integer numHiddenLayers = null;
    @Arg(name = "trainable", help = "Regex over parameter names: only matching parameters train (e.g. classifier|pooler for head-only).")
    String trainable = null;
    @Arg(name = "freeze", help = "Regex over parameter names to freeze (e.g. bert.embeddings|bert.encoder); applied after trainable.")
    String freeze = null;
    @Arg(name = "label_names", help = "Display names of the labels in id order (saved as id2label); default the data set's ClassLabel names.")
    List<String> labelNames = List.of();
    @Arg(name = "problem_type", help = "HF's config.problem_type: single_label_classification (cross-entropy), multi_label_classification "
            + "(BCE with logits, sigmoid scores) or regression (MSE, one output, raw scores); default from the label column: floats are "
            + "regression, lists of labels multi-label, class names or ids single-label. Saved in config.json.")
    String problemType = null;
    @Arg(name = "attn_implementation", help = "HF's attn_implementation: eager (softmax(q·kᵀ/√d + mask)·v written out) or sdpa (torch's "
            + "fused scaled_dot_product_attention); default the faster one for the device and dtype, measured: sdpa on CUDA and on the "
            + "CPU in float32, eager on the CPU under bf16 autocast. DeBERTa-v2 has eager only. Not saved in config.json, as in HF.")
    String attnImplementation = null;
    @Arg(name = "peft", help = "Parameter-efficient fine-tuning, e.g. {type: lora, r: 8, lora_alpha: 16}; keys under PeftArguments below.")
    Map<String, Object> peft = Map.of();
    @Arg(name = "predict_texts", help = "After training, classify these texts with the final model and report the results.")
    List<String> predictTexts = List.of();

    public String modelNameOrPath() { return modelNameOrPath; }
    public Integer numHiddenLayers() { return numHiddenLayers; }
    public String trainable() { return trainable; }
    public String freeze() { return freeze; }
    public List<String> labelNames() { return labelNames; }
    public String problemType() { return problemType; }
    public List<String> predictTexts() { return predictTexts; }
    public Map<String, Object> peft() { return peft; }
    public String attnImplementation() { return attnImplementation; }
}
