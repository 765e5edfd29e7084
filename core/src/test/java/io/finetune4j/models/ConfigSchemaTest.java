package io.finetune4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.finetune4j.torch.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.auto.AutoConfig;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.models.bert.BertConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every family's config.json through its field table: strict types and ranges refused in one line naming the file
 * and key, re-saves key for key, and the load-time layer checks against the checkpoint. Real config.json files in
 * temp folders.
 */
class ConfigSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Small HF-shaped config.json per model_type (the keys HF writes for a tiny model of that family). */
    static final Map<String, String> CONFIGS = Map.of(
            "bert", """
                    {"architectures": ["BertForSequenceClassification"], "attention_probs_dropout_prob": 0.1, "classifier_dropout": null,
                     "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64,
                     "layer_norm_eps": 1e-12, "max_position_embeddings": 64, "model_type": "bert", "num_attention_heads": 2,
                     "num_hidden_layers": 2, "pad_token_id": 0, "position_embedding_type": "absolute", "transformers_version": "4.48.0",
                     "type_vocab_size": 2, "use_cache": true, "vocab_size": 200}""",
            "roberta", """
                    {"architectures": ["RobertaForSequenceClassification"], "attention_probs_dropout_prob": 0.1, "bos_token_id": 0,
                     "classifier_dropout": null, "eos_token_id": 2, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 32,
                     "initializer_range": 0.02, "intermediate_size": 64, "layer_norm_eps": 1e-05, "max_position_embeddings": 66,
                     "model_type": "roberta", "num_attention_heads": 2, "num_hidden_layers": 2, "pad_token_id": 1,
                     "position_embedding_type": "absolute", "type_vocab_size": 1, "use_cache": true, "vocab_size": 200}""",
            "distilbert", """
                    {"activation": "gelu", "architectures": ["DistilBertForSequenceClassification"], "attention_dropout": 0.1, "dim": 32,
                     "dropout": 0.1, "hidden_dim": 64, "initializer_range": 0.02, "max_position_embeddings": 64, "model_type": "distilbert",
                     "n_heads": 2, "n_layers": 2, "pad_token_id": 0, "qa_dropout": 0.1, "seq_classif_dropout": 0.2,
                     "sinusoidal_pos_embds": false, "tie_weights_": true, "vocab_size": 200}""",
            "electra", """
                    {"attention_probs_dropout_prob": 0.1, "classifier_dropout": null, "embedding_size": 16, "hidden_act": "gelu",
                     "hidden_dropout_prob": 0.1, "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64,
                     "layer_norm_eps": 1e-12, "max_position_embeddings": 64, "model_type": "electra", "num_attention_heads": 2,
                     "num_hidden_layers": 2, "pad_token_id": 0, "position_embedding_type": "absolute", "summary_activation": "gelu",
                     "summary_last_dropout": 0.1, "summary_type": "first", "summary_use_proj": true, "type_vocab_size": 2, "vocab_size": 200}""",
            "albert", """
                    {"attention_probs_dropout_prob": 0.1, "bos_token_id": 2, "classifier_dropout_prob": 0.1, "embedding_size": 16,
                     "eos_token_id": 3, "hidden_act": "gelu_new", "hidden_dropout_prob": 0.1, "hidden_size": 32, "initializer_range": 0.02,
                     "inner_group_num": 1, "intermediate_size": 64, "layer_norm_eps": 1e-12, "max_position_embeddings": 64,
                     "model_type": "albert", "num_attention_heads": 2, "num_hidden_groups": 1, "num_hidden_layers": 2, "pad_token_id": 0,
                     "position_embedding_type": "absolute", "type_vocab_size": 2, "vocab_size": 200}""",
            "deberta-v2", """
                    {"attention_probs_dropout_prob": 0.1, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 32,
                     "initializer_range": 0.02, "intermediate_size": 64, "layer_norm_eps": 1e-07, "legacy": true,
                     "max_position_embeddings": 64, "max_relative_positions": -1, "model_type": "deberta-v2", "norm_rel_ebd": "layer_norm",
                     "num_attention_heads": 2, "num_hidden_layers": 2, "pad_token_id": 0, "pooler_dropout": 0, "pooler_hidden_act": "gelu",
                     "pooler_hidden_size": 32, "pos_att_type": ["p2c", "c2p"], "position_biased_input": false, "position_buckets": 8,
                     "relative_attention": true, "share_att_key": true, "type_vocab_size": 0, "vocab_size": 200}""",
            "modernbert", """
                    {"architectures": ["ModernBertForSequenceClassification"], "attention_bias": false, "attention_dropout": 0.0,
                     "bos_token_id": 1, "classifier_activation": "gelu", "classifier_bias": false, "classifier_dropout": 0.0,
                     "classifier_pooling": "cls", "cls_token_id": 1, "decoder_bias": true, "deterministic_flash_attn": false,
                     "embedding_dropout": 0.0, "eos_token_id": 2, "global_attn_every_n_layers": 3, "global_rope_theta": 160000.0,
                     "hidden_activation": "gelu", "hidden_size": 32, "initializer_cutoff_factor": 2.0, "initializer_range": 0.02,
                     "intermediate_size": 48, "local_attention": 4, "local_rope_theta": 10000.0, "max_position_embeddings": 64,
                     "mlp_bias": false, "mlp_dropout": 0.0, "model_type": "modernbert", "norm_bias": false, "norm_eps": 1e-05,
                     "num_attention_heads": 2, "num_hidden_layers": 3, "pad_token_id": 0, "sep_token_id": 2, "sparse_pred_ignore_index": -100,
                     "sparse_prediction": false, "tie_word_embeddings": true, "vocab_size": 200}""");

    static Stream<String> families() {
        return CONFIGS.keySet().stream().sorted();
    }

    static String hiddenKey(String family) {
        return family.equals("distilbert") ? "dim" : "hidden_size";
    }

    static String layersKey(String family) {
        return family.equals("distilbert") ? "n_layers" : "num_hidden_layers";
    }

    static String headsKey(String family) {
        return family.equals("distilbert") ? "n_heads" : "num_attention_heads";
    }

    static String epsKey(String family) {
        return switch (family) {
            case "distilbert" -> "dropout";
            case "modernbert" -> "norm_eps";
            default -> "layer_norm_eps";
        };
    }

    private Path write(String family, Map<String, Object> changes) throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(CONFIGS.get(family));
        changes.forEach((k, v) -> json.set(k, JSON.valueToTree(v)));
        Path dir = Files.createDirectories(tmp.resolve(family + "-" + System.nanoTime()));
        Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(json));
        return dir;
    }

    private String refused(String family, Map<String, Object> changes) throws Exception {
        Path dir = write(family, changes);
        BadInputException e = assertThrows(BadInputException.class, () -> AutoConfig.fromPretrained(dir));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.startsWith(dir.resolve("config.json").toString() + ": "), "names the file: " + m);
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void everyFamilyReadsItsConfigAndReSavesItKeyForKey(String family) throws Exception {
        Path dir = write(family, Map.of());
        PretrainedConfig c = AutoConfig.fromPretrained(dir);
        assertEquals(family, c.modelType());
        Path out = tmp.resolve(family + "-saved");
        c.save(out);
        JsonNode original = JSON.readTree(dir.resolve("config.json").toFile());
        JsonNode saved = JSON.readTree(out.resolve("config.json").toFile());
        original.fields().forEachRemaining(e -> assertEquals(value(e.getValue()), value(saved.get(e.getKey())), family + " " + e.getKey()));
        // a re-read of the saved file gives the same config and the same bytes
        PretrainedConfig again = AutoConfig.fromPretrained(out);
        assertEquals(c.toJsonString(), again.toJsonString());
        assertEquals(c, again);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void wrongTypesAreOneLineNamingFileKeyAndType(String family) throws Exception {
        String hidden = hiddenKey(family);
        assertTrue(refused(family, Map.of(hidden, 32.5)).endsWith(hidden + " must be an integer, got 32.5"));
        assertTrue(refused(family, Map.of(hidden, "32")).endsWith(hidden + " must be an integer, got \"32\""));
        assertTrue(refused(family, Map.of(hidden, true)).endsWith(hidden + " must be an integer, got true"));
        assertTrue(refused(family, Map.of(hidden, 2147483648L)).endsWith(hidden + " must be an integer, got 2147483648"));
        String eps = epsKey(family);
        assertTrue(refused(family, Map.of(eps, "abc")).endsWith(eps + " must be a number, got \"abc\""));
        assertTrue(refused(family, Map.of("problem_type", 3)).endsWith("problem_type must be a string, got 3"));
        assertTrue(refused(family, Map.of("architectures", "X")).contains("architectures must be a list of strings"));
        assertTrue(refused(family, Map.of("id2label", List.of("neg", "pos"))).contains("id2label must be an object"));
        assertTrue(refused(family, Map.of("num_labels", 2.5)).endsWith("num_labels must be an integer, got 2.5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void valuesOutOfRangeAreRefusedBeforeAnythingIsBuilt(String family) throws Exception {
        String hidden = hiddenKey(family);
        String layers = layersKey(family);
        String heads = headsKey(family);
        assertTrue(refused(family, Map.of(hidden, -32)).endsWith(hidden + " must be a positive integer, got -32"));
        assertTrue(refused(family, Map.of(hidden, 0)).endsWith(hidden + " must be a positive integer, got 0"));
        assertTrue(refused(family, Map.of(heads, 0)).endsWith(heads + " must be a positive integer, got 0"));
        assertTrue(refused(family, Map.of(heads, 3)).contains("is not a multiple of " + heads + " 3"));
        assertTrue(refused(family, Map.of(layers, 1_000_000_000)).endsWith(layers + " must be an integer from 0 to 1024, got 1000000000"));
        assertTrue(refused(family, Map.of(layers, -1)).contains(layers + " must be an integer from 0 to 1024, got -1"));
        assertTrue(refused(family, Map.of("max_position_embeddings", 0)).endsWith("max_position_embeddings must be a positive integer, got 0"));
        assertTrue(refused(family, Map.of("vocab_size", -5)).endsWith("vocab_size must be a positive integer, got -5"));
        assertTrue(refused(family, Map.of("id2label", Map.of("zero", "neg", "1", "pos"))).endsWith("id2label key 'zero' is not an integer"));
        assertTrue(refused(family, Map.of("problem_type", "classify")).contains("problem_type 'classify' is unknown"));
        assertTrue(refused(family, Map.of("num_labels", 0)).endsWith("num_labels must be a positive integer, got 0"));
        assertTrue(refused(family, Map.of("pad_token_id", 200)).endsWith("pad_token_id 200 is outside vocab_size 200; fix config.json"));
        String act = switch (family) {
            case "distilbert" -> "activation";
            case "modernbert" -> "hidden_activation";
            default -> "hidden_act";
        };
        assertTrue(refused(family, Map.of(act, "swishy")).contains("'swishy'"));
    }

    @Test
    void dropoutsAreProbabilities() throws Exception {
        assertTrue(refused("bert", Map.of("hidden_dropout_prob", 1.5)).endsWith("hidden_dropout_prob must be a number from 0 to 1, got 1.5"));
        assertTrue(refused("distilbert", Map.of("seq_classif_dropout", -0.1)).endsWith("seq_classif_dropout must be a number from 0 to 1, got -0.1"));
        assertTrue(refused("electra", Map.of("embedding_size", 0)).endsWith("embedding_size must be a positive integer, got 0"));
        assertTrue(refused("roberta", Map.of("bos_token_id", "zero")).endsWith("bos_token_id must be an integer, got \"zero\""));
        assertTrue(refused("albert", Map.of("num_hidden_groups", 0)).endsWith("num_hidden_groups must be a positive integer, got 0"));
        assertTrue(refused("deberta-v2", Map.of("pos_att_type", List.of("p2c", 3))).contains("pos_att_type must be a list of strings"));
        assertTrue(refused("modernbert", Map.of("layer_types", List.of(1, 2, 3))).contains("layer_types must be a list of strings"));
        assertTrue(refused("modernbert", Map.of("classifier_dropout", "0")).endsWith("classifier_dropout must be a number, got \"0\""));
    }

    @Test
    void nullsReadAsHfDoes() throws Exception {
        BertConfig b = (BertConfig) AutoConfig.fromPretrained(write("bert", Map.of("classifier_dropout", 0.25)));
        assertEquals(0.25, b.classifierDropout());
        ObjectNode nulls = (ObjectNode) JSON.readTree(CONFIGS.get("bert"));
        nulls.putNull("pad_token_id");
        nulls.putNull("classifier_dropout");
        Path dir = Files.createDirectories(tmp.resolve("nulls"));
        Files.writeString(dir.resolve("config.json"), nulls.toString());
        BertConfig n = (BertConfig) AutoConfig.fromPretrained(dir);
        assertEquals(0, n.padTokenId());
        assertEquals(null, n.classifierDropout());
    }

    @Test
    void withCopiesChangeOnlyWhatTheySay() {
        BertConfig t = BertConfig.tiny();
        BertConfig d = t.withDropout(0.3, 0.2);
        assertEquals(0.3, d.hiddenDropoutProb());
        assertEquals(0.2, d.attentionProbsDropoutProb());
        assertEquals(t.withDropout(0.1, 0.1), t);
        assertEquals(1, t.withNumHiddenLayers(1).numHiddenLayers());
        assertEquals(3, t.withNumLabels(3).numLabels());
        assertThrows(BadInputException.class, () -> t.withNumHiddenLayers(3));
    }

    @Test
    void tablesModelExactlyTheirRecordsFields() {
        Set<String> keys = new HashSet<>(BertConfig.SCHEMA.keys());
        assertEquals(15, keys.size());
        assertTrue(keys.containsAll(Set.of("vocab_size", "hidden_size", "classifier_dropout", "position_embedding_type")));
        assertEquals(BertConfig.base(), BertConfig.SCHEMA.defaults());
    }

    // ---- against the checkpoint ------------------------------------------------------------------------

    private Path tinyBertCheckpoint() {
        Path dir = tmp.resolve("ckpt");
        try (SequenceClassificationModel m = AutoModelForSequenceClassification.fromConfig(BertConfig.tiny(), 3, Device.cpu())) {
            ((PreTrainedModel) m).savePretrained(dir);
        }
        return dir;
    }

    private static void setLayers(Path dir, int n) throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        json.put("num_hidden_layers", n);
        Files.writeString(dir.resolve("config.json"), json.toString());
    }

    @Test
    void moreLayersThanTheCheckpointHoldsIsRefusedBeforeBuilding() throws Exception {
        Path dir = tinyBertCheckpoint();
        setLayers(dir, 1000);
        BadInputException e = assertThrows(BadInputException.class,
                () -> AutoModelForSequenceClassification.fromPretrained(dir, LoadOptions.builder().device(Device.cpu()).build()));
        assertEquals(dir.resolve("config.json") + ": num_hidden_layers is 1000 but the checkpoint holds 2 layers; fix num_hidden_layers in config.json",
                e.getMessage());
    }

    @Test
    void fewerLayersInConfigJsonLeaveTheRestAsUnusedWeightsAsHfWarns() throws Exception {
        Path dir = tinyBertCheckpoint();
        setLayers(dir, 0);
        try (SequenceClassificationModel m = AutoModelForSequenceClassification.fromPretrained(dir, LoadOptions.builder().device(Device.cpu()).build())) {
            LoadReport r = ((PreTrainedModel) m).loadReport();
            assertTrue(r.droppedLayerKeys().isEmpty());
            assertEquals(32, r.unexpectedKeys().size(), r.unexpectedKeys().toString());
            assertTrue(r.unexpectedKeys().stream().allMatch(k -> k.startsWith("bert.encoder.layer.")));
            assertTrue(r.warnings().get(0).startsWith("Some weights of the model checkpoint at " + dir + " were not used"));
        }
        // an explicit override still cuts quietly
        setLayers(dir, 2);
        try (SequenceClassificationModel m = AutoModelForSequenceClassification.fromPretrained(dir,
                LoadOptions.builder().device(Device.cpu()).numHiddenLayers(1).build())) {
            LoadReport r = ((PreTrainedModel) m).loadReport();
            assertEquals(16, r.droppedLayerKeys().size());
            assertTrue(r.unexpectedKeys().isEmpty());
        }
    }

    /** The HF-written fixtures of every family (when present) re-save key for key with the same values. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureNames")
    void hfWrittenFixturesReSaveKeyForKey(String name) throws Exception {
        Path dir = TransformersFamilyParityTest.ROOT.resolve(name);
        assumeTrue(Files.isRegularFile(dir.resolve("config.json")), "no transformers fixture at " + dir);
        JsonNode original = JSON.readTree(dir.resolve("config.json").toFile());
        JsonNode saved = AutoConfig.fromPretrained(dir).toJson();
        Set<String> added = new HashSet<>();
        saved.fieldNames().forEachRemaining(added::add);
        original.fieldNames().forEachRemaining(added::remove);
        assertTrue(added.isEmpty() || added.equals(Set.of("tie_word_embeddings")), name + " added " + added);
        original.fields().forEachRemaining(e -> assertEquals(value(e.getValue()), value(saved.get(e.getKey())), name + " " + e.getKey()));
    }

    /** A number as its double (HF's 0 and 0.0 are the same float), anything else as the node. */
    private static Object value(JsonNode n) {
        return n != null && n.isNumber() ? (Object) n.asDouble() : n;
    }

    static Stream<Arguments> fixtureNames() {
        return TransformersFamilyParityTest.fixtures();
    }
}
