// Writes one random-init …ForSequenceClassification folder per family (7) at the same shape (hidden 256, 4 layers,
// 4 heads, intermediate 1024, vocab 30522, 2 labels), for `bench train-step --model DIR` (docs/BENCHMARKS.md):
//   scripts/random-family-models.sh [OUT]   (default /tmp/finetune4j-families)
// Runs in jshell on the cli jar's class path; the folder is given as the system property out.
import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.models.auto.AutoConfig;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import java.nio.file.Path;

var out = Path.of(System.getProperty("out", "/tmp/finetune4j-families"));
var shape = "\"vocab_size\": 30522, \"hidden_size\": 256, \"num_hidden_layers\": 4, \"num_attention_heads\": 4, \"intermediate_size\": 1024, \"max_position_embeddings\": 512";
var configs = new java.util.LinkedHashMap<String, String>();
configs.put("bert", "{\"model_type\": \"bert\", " + shape + "}");
// RoBERTa reserves padding_idx + 1 positions: 514 for 512 tokens.
configs.put("roberta", "{\"model_type\": \"roberta\", " + shape.replace("512", "514") + ", \"pad_token_id\": 1, \"type_vocab_size\": 1}");
// DistilBERT's own names for the same shape (dim, n_layers, n_heads, hidden_dim); no token types.
configs.put("distilbert", "{\"model_type\": \"distilbert\", \"vocab_size\": 30522, \"dim\": 256, \"n_layers\": 4, \"n_heads\": 4,"
        + " \"hidden_dim\": 1024, \"max_position_embeddings\": 512}");
// ELECTRA discriminator with embedding_size = hidden_size (as electra-base; no embeddings_project).
configs.put("electra", "{\"model_type\": \"electra\", " + shape + ", \"embedding_size\": 256}");
// ALBERT: 128-wide factorized embeddings (HF's default) mapped to 256; one layer's weights shared by all 4.
configs.put("albert", "{\"model_type\": \"albert\", " + shape + ", \"embedding_size\": 128, \"num_hidden_groups\": 1, \"inner_group_num\": 1,"
        + " \"hidden_act\": \"gelu_new\"}");
// DeBERTa-v3's settings (microsoft/deberta-v3-base): 256 log buckets, shared keys, LayerNorm'd relative embeddings, no absolute positions.
configs.put("deberta-v2", "{\"model_type\": \"deberta-v2\", " + shape + ", \"relative_attention\": true, \"position_buckets\": 256,"
        + " \"pos_att_type\": \"p2c|c2p\", \"share_att_key\": true, \"norm_rel_ebd\": \"layer_norm\", \"position_biased_input\": false,"
        + " \"type_vocab_size\": 0, \"pooler_hidden_size\": 256, \"layer_norm_eps\": 1e-7}");
// ModernBERT-base's settings: global attention every 3rd layer, 128-token windows elsewhere, no biases, GeGLU.
configs.put("modernbert", "{\"model_type\": \"modernbert\", " + shape + ", \"pad_token_id\": 0, \"global_attn_every_n_layers\": 3,"
        + " \"local_attention\": 128}");
var json = new ObjectMapper();
for (var e : configs.entrySet()) {
    var config = AutoConfig.fromJson((ObjectNode) json.readTree(e.getValue()), e.getKey());
    try (var model = AutoModelForSequenceClassification.fromConfig(config, 42, Device.cpu())) {
        model.savePretrained(out.resolve(e.getKey()));
        System.out.println(out.resolve(e.getKey()) + ": " + model.numParameters(false) + " parameters");
    }
}
/exit
