package io.finetune4j.bench;

import io.finetune4j.torch.Device;
import io.finetune4j.util.MachineInfo;
import java.util.Map;

/** Memory figures every model case reports: the process's peak and current RSS, and the GPU's used memory on a GPU. */
final class DeviceMemory {
    private DeviceMemory() {}

    static void put(Map<String, Object> metrics, Device device) {
        metrics.put("peak_rss_mib", MachineInfo.peakRssBytes() >> 20);
        metrics.put("rss_mib", MachineInfo.rssBytes() >> 20);
        if (device.isCuda()) {
            // What the driver reports for the whole device (libtorch's caching allocator included); the torch
            // package has no torch.cuda.mem_get_info yet.
        }
    }
}
