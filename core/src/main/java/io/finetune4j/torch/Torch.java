package io.finetune4j.torch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.finetune4j.util.Devices;

/** Process-wide libtorch state: the engine, the default generator's seed, threads, version. */
public final class Torch {
    private static volatile NDManager root;

    private Torch() {}

    static NDManager manager() {
        NDManager m = root;
        if (m == null) {
            synchronized (Torch.class) {
                if (root == null) {
                    Engine engine = Devices.engine();
                    root = engine.newBaseManager(ai.djl.Device.cpu());
                }
                m = root;
            }
        }
        return m;
    }

    /** Loads libtorch now (a clear {@link Devices.EngineUnavailableException} when it cannot). */
    public static void load() {
        manager();
    }

    /** {@code torch.manual_seed(seed)}: the default generator (dropout masks, random init). */
    public static void manualSeed(long seed) {
        manager();
        Engine.getInstance().setRandomSeed((int) seed);
    }

    /** {@code torch.get_num_threads()}. */
    public static int numThreads() {
        manager();
        return JniUtils.getNumThreads();
    }

    /** {@code torch.set_num_threads(n)}. */
    public static void setNumThreads(int n) {
        manager();
        JniUtils.setNumThreads(n);
    }

    /** {@code torch.get_num_interop_threads()}. */
    public static int numInteropThreads() {
        manager();
        return JniUtils.getNumInteropThreads();
    }

    /** libtorch's version ({@code torch.__version__} without the local part). */
    public static String version() {
        manager();
        return Engine.getInstance().getVersion();
    }
}
