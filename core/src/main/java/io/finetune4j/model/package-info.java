/**
 * BERT on DJL's PyTorch engine, mirroring Hugging Face's {@code modeling_bert.py} class by class and
 * name by name, so that {@code config.json} + {@code model.safetensors} folders go in and out unchanged.
 *
 * <ul>
 *   <li>{@link io.finetune4j.model.BertConfig}: config.json (unknown keys kept).</li>
 *   <li>Blocks: {@link io.finetune4j.model.BertEmbeddings}, {@link io.finetune4j.model.BertSelfAttention},
 *       {@link io.finetune4j.model.BertSelfOutput}, {@link io.finetune4j.model.BertAttention},
 *       {@link io.finetune4j.model.BertIntermediate}, {@link io.finetune4j.model.BertOutput},
 *       {@link io.finetune4j.model.BertLayer}, {@link io.finetune4j.model.BertEncoder},
 *       {@link io.finetune4j.model.BertPooler}, {@link io.finetune4j.model.BertModel}; torch-like leaves
 *       ({@code TorchLinear}, {@code TorchLayerNorm}, {@code TorchEmbedding}, {@code TorchDropout}) call one
 *       libtorch kernel each.</li>
 *   <li>Heads: {@link io.finetune4j.model.BertForSequenceClassification} (the
 *       {@link io.finetune4j.model.SequenceClassifier} the Trainer and pipelines use) and
 *       {@link io.finetune4j.model.BertForMaskedLM}; both load with {@code fromPretrained} and save with
 *       {@code savePretrained}.</li>
 * </ul>
 *
 * <p>Memory: parameters live in the model's NDManager. Every array a forward creates belongs to the
 * manager of its inputs (the caller's per-step manager), and each layer closes its intermediates when
 * it returns, so the caller holds only layer outputs and what autograd saved.
 */
package io.finetune4j.model;
