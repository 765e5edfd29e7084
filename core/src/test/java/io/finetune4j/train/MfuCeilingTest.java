package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.torch.Device;
import io.finetune4j.io.Cache;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MfuCeilingTest {
    @TempDir
    Path tmp;

    @Test
    void mfuNeverExceedsOneHundredPercent_theCeilingRisesToTheAchievedRate() {
        MfuCeiling c = new MfuCeiling(100e9, "test");
        assertEquals(0.5, c.mfu(50e9), 1e-12);
        assertEquals(1.0, c.mfu(150e9), 1e-12, "above the ceiling: 100%, not 150%");
        assertEquals(150e9, c.peakFlops(), 1e-3, "the ceiling is now the achieved rate");
        assertEquals(0.5, c.mfu(75e9), 1e-12);
        assertTrue(Double.isNaN(new MfuCeiling(0, "none").mfu(1e9)));
    }

    @Test
    void theLogWindowReportsThroughTheCeiling() {
        MfuCeiling c = new MfuCeiling(1e9, "test");
        LogWindow w = new LogWindow(c, 0);
        w.add(0.5, 8, 4e9); // 4 GFLOP in 1 s: faster than the 1 GFLOP/s ceiling
        w.add(0.3, 8, 4e9);
        LogWindow.Summary s = w.close(2_000_000_000L);
        assertEquals(0.4, s.loss(), 1e-12);
        assertEquals(8.0, s.samplesPerSecond(), 1e-9);
        assertEquals(1.0, s.mfu(), 1e-12);
        assertEquals(2, s.steps());
        w.add(0.1, 8, 2e9); // the next window starts at the close
        assertEquals(0.5, w.close(3_000_000_000L).mfu(), 1e-12, "2 GFLOP/s of the raised 4 GFLOP/s ceiling");
    }

    @Test
    void theCeilingIsMeasuredOncePerMachineAndCached() throws Exception {
        Cache cache = cacheHolding(1.25e11);
        assertEquals(1.25e11, PeakFlops.ceiling(Device.cpu(), cache).peakFlops(), "read from the cache, not measured");
    }

    @Test
    void theTimedMatmulMeasuresARateAndFreesItsTensors() throws Exception {
        int before = io.finetune4j.torch.Tensor.liveCount();
        io.finetune4j.util.Gemm.Result r = PeakFlops.gemm(Device.cpu(), 64, 48, 32);
        assertEquals(PeakFlops.REPEAT, r.timing().seconds().size());
        assertTrue(r.gflops() > 0 && r.timing().min() > 0, r.toString());
        assertEquals(before, io.finetune4j.torch.Tensor.liveCount(), "operands and products freed");
    }

    @Test
    void aRaiseByTrainingLastsOnlyForTheRun() throws Exception {
        Cache cache = cacheHolding(1.0e9);
        MfuCeiling c = PeakFlops.ceiling(Device.cpu(), cache);
        assertEquals(1.0, c.mfu(3e9), 1e-12);
        assertEquals(3e9, c.peakFlops(), 1e-3, "raised for this run");
        assertEquals(1e9, PeakFlops.ceiling(Device.cpu(), cache).peakFlops(), 1e-3, "the next run reads the measured value again");
    }

    @Test
    void aMeasurementWhileOthersUseTheCpusIsNotCached() {
        assertTrue(PeakFlops.keep(0.0));
        assertTrue(PeakFlops.keep(0.08));
        assertFalse(PeakFlops.keep(0.5), "half the machine busy elsewhere: the figure is the sharing, not the machine");
        assertTrue(PeakFlops.keep(Double.NaN), "no /proc: nothing to judge by");
    }

    /** A cache whose machine folder already holds {@code peakFlops} for this machine. */
    private Cache cacheHolding(double peakFlops) throws Exception {
        Cache cache = new Cache(tmp);
        Path file = cache.machine().resolve("peak-flops-" + PeakFlops.machineKey(Device.cpu()) + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"peak_flops\": " + peakFlops + "}\n");
        return cache;
    }

    /** bf16 training divides by a bfloat16 matmul ceiling: its own cache file (and the BLAS is part of every key). */
    @Test
    void eachDtypeHasItsOwnCeiling() throws Exception {
        String f32 = PeakFlops.machineKey(Device.cpu());
        String bf16 = PeakFlops.machineKey(Device.cpu(), io.finetune4j.torch.DType.BFLOAT16);
        assertEquals(f32, PeakFlops.machineKey(Device.cpu(), io.finetune4j.torch.DType.FLOAT32));
        assertEquals(f32 + "-bfloat16", bf16);
        assertTrue(f32.contains(io.finetune4j.torch.Torch.blas()), f32);
        Cache cache = cacheHolding(1.25e11); // a float32 ceiling only
        assertEquals(1.25e11, PeakFlops.ceiling(Device.cpu(), io.finetune4j.torch.DType.FLOAT32, cache).peakFlops());
        assertTrue(PeakFlops.gemm(Device.cpu(), io.finetune4j.torch.DType.BFLOAT16, 64, 64, 64).timing().min() > 0);
    }
}
