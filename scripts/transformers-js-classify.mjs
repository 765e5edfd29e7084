// Runs transformers.js's text-classification pipeline on a folder written by `finetune4j export onnx`,
// offline, and prints [[{label, score}, ...], ...] (all labels per text) as JSON on stdout.
// Usage: node transformers-js-classify.mjs EXPORTED_DIR TEXTS.json [fp32|q8]
import { pipeline, env } from '@huggingface/transformers';
import fs from 'node:fs';
import path from 'node:path';

const [dir, textsFile, dtype = 'fp32'] = process.argv.slice(2);
const folder = path.resolve(dir);
env.allowRemoteModels = false; // never reach the Hub: the folder is all there is
env.allowLocalModels = true;
env.localModelPath = path.dirname(folder) + path.sep;
const texts = JSON.parse(fs.readFileSync(textsFile, 'utf8'));
// dtype fp32 loads onnx/model.onnx, q8 loads onnx/model_quantized.onnx
const classifier = await pipeline('text-classification', path.basename(folder), { dtype, device: 'cpu' });
const out = await classifier(texts, { top_k: null });
await classifier.dispose?.();
process.stdout.write(JSON.stringify(texts.length === 1 && !Array.isArray(out[0]) ? [out] : out) + '\n');
