package io.finetune4j.data;

import java.util.Collection;

/**
 * Rows that already hold token ids, as the seed's {@code tokenized_dataset} (input_ids, token_type_ids, attention_mask,
 * labels) that goes straight into HF's Trainer: such a data set needs no text column and no tokenizer. It is recognised
 * by an {@code input_ids} column and no text column; its label column is {@code labels} (HF's name after
 * {@code rename_column("label", "labels")}) when the configured one is absent.
 */
public final class PreTokenized {
    public static final String INPUT_IDS = "input_ids";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LABELS = "labels";

    private PreTokenized() {}

    /** Whether rows with these columns are token ids to train on as they are (no text column {@code textColumn}). */
    public static boolean holds(Collection<String> columns, String textColumn) {
        return columns.contains(INPUT_IDS) && (textColumn == null || !columns.contains(textColumn));
    }

    /** The label column of pre-tokenized rows: the configured one when present, else {@code labels} when present. */
    public static String labelColumn(Collection<String> columns, String labelColumn) {
        return labelColumn != null && !columns.contains(labelColumn) && columns.contains(LABELS) ? LABELS : labelColumn;
    }
}
