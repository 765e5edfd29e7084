package io.finetune4j.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** HF's TrainerState, saved as trainer_state.json in each checkpoint with the same keys. */
@JsonPropertyOrder(alphabetic = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class TrainerState {
    public static final String FILE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @JsonProperty("best_metric") public Double bestMetric;
    @JsonProperty("best_global_step") public Integer bestGlobalStep;
    @JsonProperty("best_model_checkpoint") public String bestModelCheckpoint;
    @JsonProperty("epoch") public double epoch;
    @JsonProperty("eval_steps") public int evalSteps;
    @JsonProperty("global_step") public int globalStep;
    @JsonProperty("is_hyper_param_search") public boolean isHyperParamSearch = false;
    @JsonProperty("is_local_process_zero") public boolean isLocalProcessZero = true;
    @JsonProperty("is_world_process_zero") public boolean isWorldProcessZero = true;
    @JsonProperty("log_history") public List<Map<String, Object>> logHistory = new ArrayList<>();
    @JsonProperty("logging_steps") public int loggingSteps;
    @JsonProperty("max_steps") public int maxSteps;
    @JsonProperty("num_input_tokens_seen") public long numInputTokensSeen;
    @JsonProperty("num_train_epochs") public int numTrainEpochs;
    @JsonProperty("save_steps") public int saveSteps;
    @JsonProperty("stateful_callbacks") public Map<String, Object> statefulCallbacks = new LinkedHashMap<>();
    @JsonProperty("total_flos") public double totalFlos;
    @JsonProperty("train_batch_size") public int trainBatchSize;
    @JsonProperty("trial_name") public String trialName;
    @JsonProperty("trial_params") public Map<String, Object> trialParams;

    /** Latest throughput (not saved): samples per second and model FLOPs utilisation since the last log. */
    @JsonIgnore public double samplesPerSecond;
    @JsonIgnore public double mfu;

    public void save(Path file) {
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TrainerState load(Path file) {
        try {
            return JSON.readValue(file.toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The value of a logged key in the last log entry that has it, or null. */
    public Double lastLogged(String key) {
        for (int i = logHistory.size() - 1; i >= 0; i--) {
            Object v = logHistory.get(i).get(key);
            if (v instanceof Number n) {
                return n.doubleValue();
            }
        }
        return null;
    }
}
