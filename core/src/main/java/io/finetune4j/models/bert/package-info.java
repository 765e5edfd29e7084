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
 * <p>Memory: the model owns its parameters on its device ({@code model.close()} frees them). Every tensor a
 * forward returns belongs to the caller's {@link io.finetune4j.torch.Scope} (one per step), and each layer frees its
 * intermediates when it returns ({@link io.finetune4j.torch.Tensor#scoped}), so the caller holds only layer outputs
 * and what autograd saved.
 */
package io.finetune4j.models.bert;
