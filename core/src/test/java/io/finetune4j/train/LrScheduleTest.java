package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.train.TrainingArguments.SchedulerType;
import org.junit.jupiter.api.Test;

class LrScheduleTest {
    @Test
    void linearWarmsUpThenDecaysToZero() {
        LrSchedule s = new LrSchedule(SchedulerType.LINEAR, 1.0, 10, 110);
        assertEquals(0.0, s.factor(0));
        assertEquals(0.5, s.factor(5));
        assertEquals(1.0, s.factor(10));
        assertEquals(0.5, s.factor(60));
        assertEquals(0.0, s.factor(110));
        assertEquals(0.0, s.factor(200));
    }

    @Test
    void linearWithoutWarmupStartsAtTheBaseRate() {
        // the seed's run: 3910 steps, lr 2e-5, no warmup
        LrSchedule s = new LrSchedule(SchedulerType.LINEAR, 2e-5, 0, 3910);
        assertEquals(2e-5, s.currentLr(), 1e-18);
        s.step();
        assertEquals(2e-5 * 3909 / 3910, s.currentLr(), 1e-18);
    }

    @Test
    void cosineFollowsHalfACosine() {
        LrSchedule s = new LrSchedule(SchedulerType.COSINE, 1.0, 4, 104);
        assertEquals(0.25, s.factor(1));
        assertEquals(1.0, s.factor(4), 1e-12);
        assertEquals(0.5, s.factor(54), 1e-12);
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 0.25)), s.factor(29), 1e-12);
        assertEquals(0.0, s.factor(104), 1e-12);
    }

    @Test
    void constantSchedules() {
        assertEquals(1.0, new LrSchedule(SchedulerType.CONSTANT, 1, 5, 10).factor(0));
        LrSchedule w = new LrSchedule(SchedulerType.CONSTANT_WITH_WARMUP, 1, 4, 10);
        assertEquals(0.5, w.factor(2));
        assertEquals(1.0, w.factor(4));
        assertEquals(1.0, w.factor(9));
    }

    @Test
    void stateRestores() {
        LrSchedule a = new LrSchedule(SchedulerType.LINEAR, 1, 0, 10);
        for (int i = 0; i < 3; i++) a.step();
        LrSchedule b = new LrSchedule(SchedulerType.LINEAR, 1, 0, 10);
        b.setLastStep(a.lastStep());
        assertEquals(a.currentLr(), b.currentLr());
        assertEquals(0.7, b.currentLr(), 1e-12);
    }
}
