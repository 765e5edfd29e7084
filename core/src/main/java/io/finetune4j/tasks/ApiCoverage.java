package io.finetune4j.tasks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each name of HF's Trainer and tokenizer APIs (the seed's reference tables) lives in the Java
 * API, or why it is not provided. The rows are appended to docs/ARGUMENTS.md; a test checks that every
 * name of the seed's tables has a row and that every Java member named here exists.
 */
public final class ApiCoverage {
    private ApiCoverage() {}

    /** One HF name: its Java counterpart ({@code Class#member}, null when not provided) and a note. */
    public record Row(String name, String javaMember, String note) {
        public String status() {
            return javaMember != null ? "implemented: `" + javaMember + "`" + (note.isEmpty() ? "" : " (" + note + ")")
                    : "not provided: " + note;
        }
    }

    private static final String T = "io.finetune4j.train.Trainer";
    private static final String TB = "io.finetune4j.train.Trainer$Builder";
    private static final String TOK = "io.finetune4j.tokenize.AutoTokenizer";
    private static final String OPT = "io.finetune4j.tokenize.EncodeOptions$Builder";
    private static final String SPECIALS_INSIDE = "the tokenizer's post-processor adds special tokens and token type ids inside encode; "
            + "encode(text, textPair, options) returns the same ids";

    /** Table title → rows, in the seed's order. */
    public static Map<String, List<Row>> tables() {
        Map<String, List<Row>> t = new LinkedHashMap<>();
        t.put("TrainingArguments names with another meaning here", List.of(
                new Row("label_names", "io.finetune4j.tasks.ModelArguments#labelNames",
                        "finetune4j's label_names are the class names (id2label), a ModelArguments key older than this table; "
                        + "HF's TrainingArguments.label_names, the input key of the labels, is always [labels] for sequence classifiers")));
        t.put("Trainer parameters", List.of(
                new Row("model", TB + "#model", ""),
                new Row("model_init", TB + "#modelInit", "a Supplier; each train() after the first starts from a new model"),
                new Row("place_model_on_device", null, "always on: the model is created on its device (models.LoadOptions device, use_cpu)"),
                new Row("data_collator", TB + "#dataCollator", ""),
                new Row("train_dataset", TB + "#trainDataset", "tokenized rows (EncodedColumns)"),
                new Row("eval_dataset", TB + "#evalDataset", "one evaluation set; a dict of several is not supported"),
                new Row("processing_class", TB + "#processingClass", "the tokenizer, saved with the model"),
                new Row("args", TB + "#args", ""),
                new Row("compute_loss_func", TB + "#computeLossFunc", ""),
                new Row("optimizers", TB + "#optimizers", ""),
                new Row("optimizer_cls_and_kwargs", TB + "#optimizerClsAndKwargs", "a factory from the named parameters"),
                new Row("compute_metrics", TB + "#computeMetrics", ""),
                new Row("preprocess_logits_for_metrics", TB + "#preprocessLogitsForMetrics", ""),
                new Row("callbacks", TB + "#callbacks", "")));
        t.put("Trainer attributes", List.of(
                new Row("model", T + "#model", ""),
                new Row("model_wrapped", T + "#modelWrapped", "the same model: nothing wraps it"),
                new Row("is_model_parallel", T + "#isModelParallel", "always false"),
                new Row("is_in_train", T + "#isInTrain", "")));
        t.put("Tokenizer methods", List.of(
                new Row("__call__", TOK + "#encode", "one text, a pair, or lists of them"),
                new Row("encode", TOK + "#encode", "the ids are BatchEncoding.inputIds()"),
                new Row("decode", TOK + "#decode", ""),
                new Row("tokenize", TOK + "#tokenize", ""),
                new Row("batch_encode_plus", TOK + "#encode", "the List overloads"),
                new Row("encode_plus", TOK + "#encode", ""),
                new Row("save_pretrained", TOK + "#savePretrained", ""),
                new Row("from_pretrained", TOK + "#fromPretrained", "a local folder; models come through `finetune4j model fetch`"),
                new Row("convert_tokens_to_ids", TOK + "#convertTokensToIds", ""),
                new Row("convert_ids_to_tokens", TOK + "#convertIdsToTokens", "without skip_special_tokens"),
                new Row("convert_tokens_to_string", TOK + "#convertTokensToString", ""),
                new Row("prepare_for_model", null, SPECIALS_INSIDE),
                new Row("build_inputs_with_special_tokens", null, SPECIALS_INSIDE),
                new Row("pad", "io.finetune4j.train.DataCollatorWithPadding#collate", "batches are padded by the collator; tokenize.Padder pads one row"),
                new Row("truncate", OPT + "#truncation", "truncation is an option of encode, not a separate call"),
                new Row("add_special_tokens", OPT + "#addSpecialTokens", "as the encode option; adding new special tokens to the vocabulary is not supported"),
                new Row("create_token_type_ids_from_sequences", null, SPECIALS_INSIDE),
                new Row("num_special_tokens_to_add", TOK + "#numSpecialTokensToAdd", "")));
        t.put("Tokenizer attributes", List.of(
                new Row("vocab_size", TOK + "#vocabSize", ""),
                new Row("model_max_length", TOK + "#modelMaxLength", ""),
                new Row("padding_side", OPT + "#paddingSide", "per encode call; the collator pads on the tokenizer's side (tokenize.Padder)"),
                new Row("truncation_side", TOK + "#truncationSide", ""),
                new Row("all_special_tokens", TOK + "#allSpecialTokens", ""),
                new Row("special_tokens_map", TOK + "#specialTokensMap", ""),
                new Row("vocab", TOK + "#vocab", "get_vocab()"),
                new Row("added_tokens_encoder", null, "added tokens are read from tokenizer.json by the native tokenizer and not listed separately"),
                new Row("added_tokens_decoder", null, "added tokens are read from tokenizer.json by the native tokenizer and not listed separately")));
        t.put("Tokenizer __call__ options", List.of(
                new Row("text", TOK + "#encode", ""),
                new Row("text_pair", TOK + "#encode", "the textPair overloads"),
                new Row("padding", OPT + "#padding", ""),
                new Row("truncation", OPT + "#truncation", ""),
                new Row("max_length", OPT + "#maxLength", ""),
                new Row("stride", OPT + "#stride", ""),
                new Row("return_tensors", null, "encode returns int arrays (BatchEncoding); DataCollatorWithPadding makes the tensors"),
                new Row("return_token_type_ids", OPT + "#returnTokenTypeIds", ""),
                new Row("return_attention_mask", OPT + "#returnAttentionMask", ""),
                new Row("return_overflowing_tokens", OPT + "#returnOverflowingTokens", ""),
                new Row("return_special_tokens_mask", OPT + "#returnSpecialTokensMask", ""),
                new Row("return_offsets_mapping", OPT + "#returnOffsetsMapping", ""),
                new Row("return_length", OPT + "#returnLength", ""),
                new Row("verbose", null, "warnings go through SLF4J; set its level (log_level, --verbose)")));
        return t;
    }

    /** The tables as Markdown sections for docs/ARGUMENTS.md. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("\n# Trainer and tokenizer API\n\n");
        sb.append("HF's Trainer(...) parameters and attributes and the tokenizer's methods, attributes and __call__ options,\n");
        sb.append("with their Java counterparts (`Class#member`) or why they are not provided.\n");
        for (Map.Entry<String, List<Row>> table : tables().entrySet()) {
            sb.append("\n## ").append(table.getKey()).append("\n\n| name | status |\n| --- | --- |\n");
            for (Row r : table.getValue()) {
                sb.append("| `").append(r.name()).append("` | ").append(r.status().replace("|", "\\|")).append(" |\n");
            }
        }
        return sb.toString();
    }

    /** Every name, for lookups. */
    public static List<String> names(String table) {
        List<String> out = new ArrayList<>();
        for (Row r : tables().getOrDefault(table, List.of())) {
            out.add(r.name());
        }
        return out;
    }
}
