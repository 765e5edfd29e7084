/**
 * The building blocks every model family is made of, each behaving like its {@code torch.nn} namesake on
 * {@link io.finetune4j.torch.Tensor}s: {@link io.finetune4j.nn.Module} (named children, HF state-dict paths,
 * PyTorch's printed tree), {@link io.finetune4j.nn.ModuleList}, the leaves {@link io.finetune4j.nn.TorchLinear},
 * {@link io.finetune4j.nn.TorchLayerNorm}, {@link io.finetune4j.nn.TorchEmbedding}, {@link io.finetune4j.nn.TorchDropout},
 * {@link io.finetune4j.nn.TiedDecoder}, the activations ({@link io.finetune4j.nn.GELUActivation},
 * {@link io.finetune4j.nn.Tanh}, {@link io.finetune4j.nn.Activations}), masked multi-head attention
 * ({@link io.finetune4j.nn.Attention}), the losses HF's heads use ({@link io.finetune4j.nn.Losses}) and the
 * training helpers: {@link io.finetune4j.nn.ParameterFactory} (each parameter created once, from the checkpoint or
 * HF's init), {@link io.finetune4j.nn.InputNoise} (NEFTune), {@link io.finetune4j.nn.Gradients} and
 * {@link io.finetune4j.nn.GradientCheckpointing} (each encoder layer recomputed in the backward; every family's layer
 * loop goes through it).
 *
 * <p>A submodule is declared once: {@code query = register("query", f, p -> new TorchLinear(p, h, h))} gives the
 * child its factory {@code f.child("query")}, so a parameter's checkpoint name is its attribute path (Candle's
 * {@code vb.pp("query")}).
 */
package io.finetune4j.nn;
