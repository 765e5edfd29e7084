package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainOutputTest {
    @Test
    void printsLikeHuggingFace() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train_runtime", 1018.8572);
        m.put("train_samples_per_second", 122.686);
        m.put("train_steps_per_second", 3.838);
        m.put("total_flos", 1.02777756e16);
        m.put("train_loss", 0.13811987757377917);
        m.put("epoch", 5.0);
        assertEquals("TrainOutput(global_step=3910, training_loss=0.13811987757377917, metrics={'train_runtime': 1018.8572, "
                + "'train_samples_per_second': 122.686, 'train_steps_per_second': 3.838, 'total_flos': 1.02777756e+16, "
                + "'train_loss': 0.13811987757377917, 'epoch': 5.0})", new TrainOutput(3910, 0.13811987757377917, m).toString());
    }
}
