package io.finetune4j.bench;

import io.finetune4j.torch.Torch;
import io.finetune4j.util.MachineInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a benchmark ran on, printed with every result so numbers are never separated from their machine. */
public final class MachineLine {
    private MachineLine() {}

    public static Map<String, Object> describe(String device) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", MachineInfo.cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("device", device);
        m.put("java", Runtime.version().toString());
        m.put("pytorch", Torch.version());
        m.put("intra_op_threads", Torch.numThreads());
        String mmapThreshold = System.getenv("MALLOC_MMAP_THRESHOLD_");
        if (mmapThreshold != null) {
            m.put("malloc_mmap_threshold", mmapThreshold); // changes peak RSS a lot (see bin/finetune4j)
        }
        return m;
    }

    public static String format(Map<String, Object> m) {
        return m.get("cpu") + ", " + m.get("cores") + " cores, device " + m.get("device") + ", Java " + m.get("java")
                + ", PyTorch " + m.get("pytorch") + " (" + m.get("intra_op_threads") + " threads)"
                + (m.get("malloc_mmap_threshold") != null ? ", MALLOC_MMAP_THRESHOLD_=" + m.get("malloc_mmap_threshold") : "");
    }
}
