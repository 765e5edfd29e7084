/**
 * ModernBERT ({@code model_type "modernbert"}), mirroring HF's {@code modeling_modernbert.py} class by class and name
 * by name: {@link io.finetune4j.models.modernbert.ModernBertModel} (rotary embeddings, alternating global and
 * sliding-window attention, fused Wqkv, GeGLU MLP, no biases by default, final_norm),
 * {@link io.finetune4j.models.modernbert.ModernBertForSequenceClassification} (cls or mean pooling, prediction head,
 * classifier) and {@link io.finetune4j.models.modernbert.ModernBertForMaskedLM}. Batches stay padded and masked
 * (HF's sdpa path) instead of HF's unpadded flash-attention path: the same values at every real token.
 */
package io.finetune4j.models.modernbert;
