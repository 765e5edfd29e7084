package io.finetune4j.bench;

import io.finetune4j.BadInputException;
import io.finetune4j.nn.Parameter;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.auto.AutoConfig;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import io.finetune4j.util.Flops;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which BERT a benchmark runs: a random-init config ({@code base} or {@code tiny}) or a checkpoint folder,
 * optionally cut to fewer layers. Also the synthetic batches and the FLOP counts the cases share.
 */
public record BenchModel(String label, PretrainedConfig config, Path dir, Integer numHiddenLayers) {
    /** Random-init BERT-base or the tiny test config, with {@code numHiddenLayers} (null: the config's). */
    public static BenchModel random(String size, Integer numHiddenLayers) {
        PretrainedConfig c = switch (size) {
            case "base" -> BertConfig.base();
            case "tiny" -> BertConfig.tiny();
            default -> throw new BadInputException("--size must be base or tiny, got '" + size + "'");
        };
        if (numHiddenLayers != null) {
            c = c.withNumHiddenLayers(checkLayers(numHiddenLayers));
        }
        return new BenchModel(size, c, null, numHiddenLayers);
    }

    /** Pretrained weights from a folder (or a resolved model name). */
    public static BenchModel pretrained(String label, Path dir, Integer numHiddenLayers) {
        PretrainedConfig c = AutoConfig.fromPretrained(dir);
        if (numHiddenLayers != null) {
            c = c.withNumHiddenLayers(checkLayers(numHiddenLayers));
        }
        return new BenchModel(label, c, dir, numHiddenLayers);
    }

    private static int checkLayers(int n) {
        if (n < 1) {
            throw new BadInputException("--num_hidden_layers must be >= 1, got " + n);
        }
        return n;
    }

    public SequenceClassificationModel open(Device device) {
        if (dir == null) {
            return AutoModelForSequenceClassification.fromConfig(config, 42, device);
        }
        LoadOptions.Builder b = LoadOptions.builder().device(device).numLabels(2);
        if (numHiddenLayers != null) {
            b.numHiddenLayers(numHiddenLayers);
        }
        return AutoModelForSequenceClassification.fromPretrained(dir, b.build());
    }

    /** Checks the shape against the config, so a bad --seq_len is a one-line error, not a libtorch trace. */
    public void checkShape(int batch, int seqLen) {
        if (batch < 1 || seqLen < 1) {
            throw new BadInputException("--batch_size and --seq_len must be >= 1, got " + batch + " and " + seqLen);
        }
        if (seqLen > config.maxPositionEmbeddings()) {
            throw new BadInputException("--seq_len " + seqLen + " exceeds this model's max_position_embeddings "
                    + config.maxPositionEmbeddings() + "; use a shorter --seq_len");
        }
    }

    /** Parameters of the model without the embedding tables (the N of 6·N FLOPs per token). */
    public static long nonEmbeddingParameters(Map<String, Parameter> params) {
        long n = 0;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String name = e.getKey();
            if (!(name.contains("embed") && name.endsWith("weight") && !name.contains("LayerNorm"))) {
                n += java.util.Arrays.stream(e.getValue().shape()).reduce(1, Math::multiplyExact);
            }
        }
        return n;
    }

    public double trainFlopsPerSequence(SequenceClassificationModel model, int seqLen) {
        return Flops.trainPerSequence(nonEmbeddingParameters(model.namedParameters()), config.numHiddenLayers(), config.hiddenSize(), seqLen);
    }

    public double forwardFlopsPerSequence(SequenceClassificationModel model, int seqLen) {
        return Flops.forwardPerSequence(nonEmbeddingParameters(model.namedParameters()), config.numHiddenLayers(), config.hiddenSize(), seqLen);
    }

    /**
     * A random batch of full-length sequences on {@code device}: input ids, attention mask of ones, binary labels
     * (in the caller's current scope).
     */
    public Batch batch(Device device, int batch, int seqLen) {
        Tensor ids = Tensor.randint(1, config.vocabSize(), batch, seqLen).to(device);
        Tensor mask = Tensor.ones(DType.INT64, batch, seqLen).to(device);
        Tensor labels = Tensor.randint(0, 2, batch).to(device);
        return new Batch(ids, mask, labels);
    }

    public record Batch(Tensor inputIds, Tensor attentionMask, Tensor labels) {}

    /** The parameters every result of this model carries. */
    public Map<String, Object> params(int batch, int seqLen) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("model", label);
        p.put("num_hidden_layers", config.numHiddenLayers());
        p.put("batch_size", batch);
        p.put("seq_len", seqLen);
        return p;
    }
}
