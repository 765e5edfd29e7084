/**
 * Parameter-efficient fine-tuning, compatible with Hugging Face PEFT: {@link io.finetune4j.peft.LoraModel}
 * (LoRA adapters on BERT's linear layers, saved and loaded in PEFT's adapter layout, merge_and_unload),
 * {@link io.finetune4j.peft.LoraConfig} and the config's {@code peft:} section ({@link io.finetune4j.peft.PeftArguments},
 * {@link io.finetune4j.peft.PeftSetup}). Gradual unfreezing is a Trainer callback, in {@code train}.
 */
package io.finetune4j.peft;
