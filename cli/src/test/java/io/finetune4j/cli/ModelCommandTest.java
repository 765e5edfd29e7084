package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForMaskedLM;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.bert.BertLayer;
import io.finetune4j.models.bert.BertModel;
import io.finetune4j.torch.Device;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandTest {
    @TempDir
    Path tmp;

    private int run(StringWriter out, StringWriter err, String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void showPrintsTreeAndCounts() {
        try (BertForSequenceClassification m = BertForSequenceClassification.random(BertConfig.tiny(), 1, Device.cpu())) {
            m.savePretrained(tmp.resolve("tiny"));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, run(out, err, "model", "show", tmp.resolve("tiny").toString(), "--trainable", "pooler|classifier"), err.toString());
        String text = out.toString();
        assertTrue(text.startsWith("BertForSequenceClassification(\n  (bert): BertModel("), text);
        assertTrue(text.contains("(0-1): 2 x BertLayer("), text);
        assertTrue(text.contains("- bert.pooler.dense.weight\n- bert.pooler.dense.bias\n- classifier.weight\n- classifier.bias"), text);
        assertTrue(text.contains("Total parameters: "), text);
        assertTrue(text.contains("trainable params: 1,122 || all params: "), text);
        assertTrue(text.contains("attn_implementation: auto (sdpa on CUDA and CPU float32, eager under CPU autocast)"), text);

        // A pre-training checkpoint (no classifier, as bert-base-uncased): the head is reported as newly initialised.
        try (BertForMaskedLM m = BertForMaskedLM.random(BertConfig.tiny(), 1, Device.cpu())) {
            m.savePretrained(tmp.resolve("mlm"));
        }
        out = new StringWriter();
        assertEquals(0, run(out, err, "model", "show", tmp.resolve("mlm").toString(), "--num_labels", "3", "--json"), err.toString());
        assertTrue(out.toString().contains("\"classifier.bias\", \"classifier.weight\" ]"), out.toString());
        assertTrue(out.toString().contains("\"num_labels\" : 3"), out.toString());
        assertTrue(out.toString().contains("\"attn_implementation\" : \"auto\""), out.toString());
    }

    @Test
    void missingFolderIsBadInput() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "model", "show", tmp.resolve("nope").toString()));
        assertTrue(err.toString().contains("nope"), err.toString());
    }
}
