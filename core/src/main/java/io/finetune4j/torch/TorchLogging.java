package io.finetune4j.torch;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The level of libtorch's own C++ log (c10's {@code FLAGS_caffe2_log_level}: 0 INFO, 1 WARNING, 2 ERROR,
 * 3 FATAL). libtorch prints its warnings, such as "AutoNonVariableTypeMode is deprecated" (DJL 0.36's JNI
 * still uses that guard when it copies data into a tensor), straight to stderr, past SLF4J.
 *
 * <p>PyTorch reads {@code TORCH_CPP_LOG_LEVEL} in {@code c10::initLogging()}, which Python's
 * {@code import torch} calls but DJL's JNI does not, so the variable alone does nothing here. So, once
 * the engine is loaded: with {@code TORCH_CPP_LOG_LEVEL} set, {@code c10::initLogging()} is called and
 * libtorch parses it itself; otherwise the system property {@value #PROPERTY} (INFO, WARNING, ERROR,
 * FATAL or 0-3; the CLI sets ERROR, WARNING with --verbose) is written to the flag. With neither,
 * libtorch's default (WARNING) stays.
 */
public final class TorchLogging {
    public static final String ENV = "TORCH_CPP_LOG_LEVEL";
    public static final String PROPERTY = "finetune4j.torch_log_level";
    private static final Logger LOG = LoggerFactory.getLogger(TorchLogging.class);
    /** What was last applied (env and property), so a later, different request applies again. */
    private static volatile String applied;

    private TorchLogging() {}

    /** Applies the level asked for (once per request); call after the PyTorch engine is loaded (Devices does). Never throws. */
    public static void apply() {
        String env = System.getenv(ENV);
        String property = System.getProperty(PROPERTY);
        String key = env + "|" + property;
        if (key.equals(applied)) {
            return;
        }
        synchronized (TorchLogging.class) {
            if (key.equals(applied)) {
                return;
            }
            applied = key;
            if ((env == null || env.isBlank()) && (property == null || property.isBlank())) {
                return;
            }
            try {
                NativeLibrary c10 = c10();
                if (env != null && !env.isBlank()) {
                    c10.getFunction("_ZN3c1011initLoggingEv").invokeVoid(new Object[0]); // c10::initLogging()
                } else {
                    Pointer flag = c10.getGlobalVariableAddress("FLAGS_caffe2_log_level");
                    flag.setInt(0, parse(property));
                }
                LOG.debug("libtorch log level: {}", level());
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                LOG.debug("could not set libtorch's log level: {}", e.toString());
            }
        }
    }

    /** libtorch's current log level (0 INFO .. 3 FATAL), or -1 when it cannot be read. */
    public static int level() {
        try {
            return c10().getGlobalVariableAddress("FLAGS_caffe2_log_level").getInt(0);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return -1;
        }
    }

    static int parse(String level) {
        return switch (level.strip().toUpperCase(Locale.ROOT)) {
            case "INFO", "0" -> 0;
            case "WARNING", "WARN", "1" -> 1;
            case "ERROR", "2" -> 2;
            case "FATAL", "3" -> 3;
            default -> throw new IllegalArgumentException(PROPERTY + " must be INFO, WARNING, ERROR or FATAL, got '" + level + "'");
        };
    }

    /** The c10 library DJL loaded (the folder of the libtorch it found). */
    private static NativeLibrary c10() {
        // JavaCPP extracts libtorch's libraries next to its JNI library (one folder in its cache).
        String jni = Torch.loadedLibrary();
        Path dir = jni == null || jni.isEmpty() ? Path.of(".") : Path.of(jni).getParent();
        Path lib = dir.resolve(System.mapLibraryName("c10"));
        return NativeLibrary.getInstance(Files.exists(lib) ? lib.toString() : "c10");
    }
}
