/**
 * HF's auto classes ({@code transformers.models.auto}): {@link io.finetune4j.models.auto.ModelRegistry} is the one
 * registry of families, keyed by config.json's {@code model_type}; {@link io.finetune4j.models.auto.AutoConfig},
 * {@link io.finetune4j.models.auto.AutoModelForSequenceClassification} and
 * {@link io.finetune4j.models.auto.AutoModelForMaskedLM} look the family up there. This is the only package that
 * names every family package; the families import {@code models} only, never this package.
 */
package io.finetune4j.models.auto;
