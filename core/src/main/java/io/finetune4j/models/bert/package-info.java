/**
 * BERT, mirroring Hugging Face's {@code modeling_bert.py} class by class and name by name, so that
 * {@code config.json} + {@code model.safetensors} folders go in and out unchanged.
 *
 * <ul>
 *   <li>{@link io.finetune4j.models.bert.BertConfig}: config.json (unknown keys kept).</li>
 *   <li>Blocks: {@link io.finetune4j.models.bert.BertEmbeddings}, {@link io.finetune4j.models.bert.BertSelfAttention},
 *       {@link io.finetune4j.models.bert.BertSelfOutput}, {@link io.finetune4j.models.bert.BertAttention},
 *       {@link io.finetune4j.models.bert.BertIntermediate}, {@link io.finetune4j.models.bert.BertOutput},
 *       {@link io.finetune4j.models.bert.BertLayer}, {@link io.finetune4j.models.bert.BertEncoder},
 *       {@link io.finetune4j.models.bert.BertPooler}, {@link io.finetune4j.models.bert.BertModel}, built from
 *       {@code io.finetune4j.nn}'s torch-like leaves.</li>
 *   <li>Heads: {@link io.finetune4j.models.bert.BertForSequenceClassification} and
 *       {@link io.finetune4j.models.bert.BertForMaskedLM}; {@link io.finetune4j.models.bert.BertFamily} is the
 *       registry entry.</li>
 * </ul>
 *
 * <p>Memory: parameters live in the model's NDManager. Every array a forward creates belongs to the
 * manager of its inputs (the caller's per-step manager), and each layer closes its intermediates when
 * it returns, so the caller holds only layer outputs and what autograd saved.
 */
package io.finetune4j.models.bert;
