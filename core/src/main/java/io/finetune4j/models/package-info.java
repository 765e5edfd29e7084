/**
 * What every family shares. {@link io.finetune4j.models.PretrainedConfig} holds the shared config.json fields
 * (labels, problem_type, pad_token_id, hidden_size, num_hidden_layers, architectures, unknown keys kept) and names
 * its {@link io.finetune4j.models.ModelFamily}; {@link io.finetune4j.models.PreTrainedModel} loading, saving, state
 * dict, freezing and counts; {@link io.finetune4j.models.ModelClass} one HF model class with its config parser (HF's
 * {@code config_class}); {@link io.finetune4j.models.SequenceClassificationModel} HF's {@code forward(labels)} with
 * the loss by problem_type; {@link io.finetune4j.models.MaskedLMModel} the masked-LM loss.
 *
 * <p>Families: {@code bert}, {@code roberta} and {@code xlm-roberta} ({@code models.roberta}), {@code distilbert},
 * {@code electra}, {@code albert}, {@code deberta-v2}, {@code modernbert}. HF's auto classes and the one registry
 * keyed by model_type are in {@code models.auto}, the only package that names every family: the arrows go
 * {@code models.auto -> models.<family> -> models}.
 *
 * <p>A family lives in its own package {@code io.finetune4j.models.<family>}, mirroring HF's
 * {@code modeling_<family>.py} class by class and name by name, and is added by one
 * {@link io.finetune4j.models.ModelFamily} entry: its config parser, base prefix, layer names (for cutting and
 * unfreezing), PEFT's default LoRA targets and its head classes. Its config is a record whose fields are listed
 * once, in a {@link io.finetune4j.models.ConfigSchema} table (key, type, HF default, null/absent rule, range): the
 * table gives the strict parse, the written config.json, the known keys and the {@code with…} copies.
 *
 * <p>Shared leaf modules: a family whose block is another family's under the same checkpoint names reuses that
 * module and prints HF's name for it through {@link io.finetune4j.nn.Module#renameFamily} (RoBERTa and ELECTRA
 * reuse BERT's encoder, DeBERTa-v2 BERT's {@code BertSelfOutput} and {@code BertOutput}).
 */
package io.finetune4j.models;
