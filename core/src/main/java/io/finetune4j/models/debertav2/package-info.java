/**
 * DeBERTa-v2 and DeBERTa-v3 ({@code model_type "deberta-v2"}), mirroring HF's {@code modeling_deberta_v2.py} class by
 * class and name by name: {@link io.finetune4j.models.debertav2.DebertaV2Model} (embeddings + an encoder whose layers
 * use {@link io.finetune4j.models.debertav2.DisentangledSelfAttention} over relative positions),
 * {@link io.finetune4j.models.debertav2.DebertaV2ForSequenceClassification} (ContextPooler + classifier) and
 * {@link io.finetune4j.models.debertav2.DebertaV2ForMaskedLM} (legacy {@code cls.predictions} or {@code lm_predictions}).
 * Dropouts are torch's dropout (HF switched DeBERTa from StableDropout to nn.Dropout).
 */
package io.finetune4j.models.debertav2;
