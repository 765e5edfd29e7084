// Runs the official @huggingface/inference client against a finetune4j server:
//   node hf-inference-client.cjs INSTALL_DIR ENDPOINT_URL LABELS_CSV TEXT [API_KEY]
// It calls new InferenceClient(key).textClassification({endpointUrl, inputs}) (which POSTs
// {"inputs": TEXT} to ENDPOINT_URL and accepts only [[{label, score}, ...]]), checks that every
// label is one of LABELS_CSV and every score a number in [0, 1], and prints the answer as JSON.
"use strict";
const { createRequire } = require("node:module");
const path = require("node:path");

async function main() {
  const [installDir, endpointUrl, labelsCsv, text, apiKey] = process.argv.slice(2);
  if (!installDir || !endpointUrl || !labelsCsv || text === undefined) {
    console.error("usage: node hf-inference-client.cjs INSTALL_DIR ENDPOINT_URL LABELS_CSV TEXT [API_KEY]");
    process.exit(2);
  }
  const load = createRequire(path.join(path.resolve(installDir), "package.json"));
  const { InferenceClient } = load("@huggingface/inference");
  const client = new InferenceClient(apiKey || undefined);
  const answer = await client.textClassification({ endpointUrl, inputs: text });
  const labels = new Set(labelsCsv.split(","));
  if (!Array.isArray(answer) || answer.length === 0) {
    throw new Error("expected a non-empty list of {label, score}, got " + JSON.stringify(answer));
  }
  for (const { label, score } of answer) {
    if (!labels.has(label)) {
      throw new Error("label " + JSON.stringify(label) + " is not one of " + labelsCsv);
    }
    if (typeof score !== "number" || score < 0 || score > 1) {
      throw new Error("score " + score + " of " + label + " is not a probability");
    }
  }
  console.log(JSON.stringify(answer));
}

main().catch((e) => {
  console.error("hf-inference-client: " + (e && e.message ? e.message : e));
  process.exit(1);
});
