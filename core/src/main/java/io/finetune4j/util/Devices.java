package io.finetune4j.util;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.finetune4j.BadInputException;

/** Device choice lives here: DJL picks (a GPU when it sees one); {@code use_cpu} forces the CPU. */
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

    /** The device to compute on. */
    public static Device select(boolean useCpu) {
        Engine engine = engine(); // loaded either way, so the log level is set before any tensor exists
        return useCpu ? Device.cpu() : engine.defaultDevice();
    }

    /** Parses a user-given device name such as {@code cpu} or {@code gpu:0}. */
    public static Device parse(String name) {
        engine();
        try {
            return Device.fromName(name);
        } catch (RuntimeException e) {
            throw new BadInputException("unknown device '" + name + "'; use cpu or gpu:N");
        }
    }

    /** Thrown when the native engine cannot be loaded: a runtime failure (exit 1), not bad input. */
    public static final class EngineUnavailableException extends RuntimeException {
        public EngineUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
