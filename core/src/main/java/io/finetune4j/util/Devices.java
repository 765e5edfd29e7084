package io.finetune4j.util;

import ai.djl.engine.Engine;

/**
 * Loading the PyTorch engine (a clear error when it cannot) and how many CUDA devices it sees. The device type
 * itself is the torch package's Device, and the choice between cpu and cuda:0 is Environment.device(useCpu) in the
 * io package: this package sits below both, so it names neither.
 */
public final class Devices {
    public static final String ENGINE = "PyTorch";

    private Devices() {}

    /** The PyTorch engine, with a clear error when it cannot load. */
    public static Engine engine() {
        try {
            TorchInstall.beforeLoad(); // PYTORCH_FLAVOR for a PYTORCH_LIBRARY_PATH that lacks it
            Engine engine = Engine.getEngine(ENGINE);
            if (engine == null) {
                throw new IllegalStateException("engine not found");
            }
            TorchLogging.apply(); // libtorch's own stderr log, at the level asked for (once)
            return engine;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new EngineUnavailableException("the PyTorch engine did not load (" + e.getMessage()
                    + "); run 'bin/finetune4j doctor --verbose' to see why", e);
        }
    }

    /** {@code torch.cuda.device_count()}: the CUDA devices libtorch can use (0 on a CPU build); loads the engine. */
    public static int cudaDeviceCount() {
        return engine().getGpuCount();
    }

    /** @deprecated the engine-neutral {@code Environment.device(useCpu)} returns a torch Device. */
    @Deprecated
    public static ai.djl.Device select(boolean useCpu) { // BRIDGE
        return useCpu || cudaDeviceCount() == 0 ? ai.djl.Device.cpu() : ai.djl.Device.gpu(0); // BRIDGE
    }

    /** Thrown when the native engine cannot be loaded: a runtime failure (exit 1), not bad input. */
    public static final class EngineUnavailableException extends RuntimeException {
        public EngineUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
