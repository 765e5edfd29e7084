package io.finetune4j.util;

import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which libtorch DJL loaded, from where, and what to do to get a CUDA one. DJL 0.36 looks in this order:
 * {@code PYTORCH_LIBRARY_PATH} (a local libtorch), a libtorch jar on the classpath (the build bundles the CPU
 * one, {@code ai.djl.pytorch:pytorch-native-cpu}; DJL takes it even on a GPU machine), and only then its own
 * download of the build matching the machine (CUDA when it sees a GPU; {@code PYTORCH_FLAVOR} chooses),
 * which {@code ai.djl.offline=true} forbids. bin/finetune4j keeps offline mode on unless
 * {@code FINETUNE4J_ALLOW_DOWNLOAD=1}, which also leaves the bundled CPU jar off the classpath.
 */
public final class TorchInstall {
    public static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
    public static final String FLAVOR = "PYTORCH_FLAVOR";
    public static final String VERSION = "PYTORCH_VERSION";
    public static final String ALLOW_DOWNLOAD = "FINETUNE4J_ALLOW_DOWNLOAD";
    /** The CUDA build of DJL's JNI that pytorch-jni 2.7.1-0.36.0 carries for linux-x86_64 (besides cpu). */
    public static final String CUDA_FLAVOR = "cu128";
    /** The libtorch version DJL 0.36's JNI is built against. */
    public static final String TORCH_VERSION = "2.7.1";

    private static final Pattern FLAVOR_IN_DIR = Pattern.compile("^[0-9.]+(?:-\\d+)?-((?:cpu|cu\\d+)(?:-precxx11)?)-");

    /** What {@code doctor} reports; {@code hints} say what to do next (empty when nothing is missing). */
    public record Info(String path, String version, String flavor, String source, boolean offline, int gpusVisible, int gpusUsable,
            List<String> hints) {}

    private TorchInstall() {}

    /**
     * Before the engine loads: with {@code PYTORCH_LIBRARY_PATH} and no {@code PYTORCH_FLAVOR}, DJL 0.36 names
     * the flavor {@code cpu-precxx11} (or {@code cuXXX-precxx11}), for which it carries no JNI library, and fails
     * offline. The flavor is then set (as the system property DJL also reads) from the folder: {@value #CUDA_FLAVOR}
     * when it holds libtorch_cuda, else cpu.
     */
    static void beforeLoad() {
        String libraryPath = env(LIBRARY_PATH);
        if (libraryPath == null || env(FLAVOR) != null || System.getProperty(FLAVOR) != null) {
            return;
        }
        for (String entry : libraryPath.split(File.pathSeparator)) {
            Path dir = Path.of(entry);
            if (Files.isRegularFile(dir.resolve(System.mapLibraryName("torch")))) {
                System.setProperty(FLAVOR, Files.exists(dir.resolve(System.mapLibraryName("torch_cuda"))) ? CUDA_FLAVOR : "cpu");
                return;
            }
        }
    }

    /** The loaded libtorch (call after {@link Devices#engine()}). */
    public static Info describe(Engine engine) {
        String path = ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
        String version = ai.djl.pytorch.jni.LibUtils.getVersion();
        String flavor = flavor(Path.of(path));
        String source = source(Path.of(path));
        boolean offline = Boolean.getBoolean("ai.djl.offline");
        int visible = gpusVisible();
        int usable = engine.getGpuCount();
        List<String> hints = new ArrayList<>();
        if (usable > 0) {
            hints.add("computing on " + engine.defaultDevice() + "; use_cpu: true (or --use_cpu) forces the CPU");
        } else if (visible > 0) {
            hints.add(visible + " GPU(s) visible to CUDA, but this libtorch is a CPU build: " + cudaHowTo());
        } else {
            hints.add("no CUDA GPU visible (no NVIDIA driver, or no device): everything runs on the CPU; on a CUDA machine: " + cudaHowTo());
        }
        return new Info(path, version, flavor, source, offline, visible, usable, List.copyOf(hints));
    }

    /** What to try when the engine did not load at all. */
    public static List<String> hintsWhenUnavailable() {
        List<String> hints = new ArrayList<>();
        if (env(LIBRARY_PATH) != null) {
            hints.add(LIBRARY_PATH + "=" + env(LIBRARY_PATH) + " must be the lib folder of a libtorch " + TORCH_VERSION
                    + " (libtorch.so, libc10.so, ...); set " + FLAVOR + " to cpu or " + CUDA_FLAVOR + " to match it");
        }
        if (Boolean.getBoolean("ai.djl.offline") && !bundledOnClasspath()) {
            hints.add("offline mode is on and no libtorch is bundled: set " + ALLOW_DOWNLOAD + "=1 to let DJL fetch one, or " + LIBRARY_PATH);
        } else if (!Boolean.getBoolean("ai.djl.offline")) {
            hints.add("DJL may have failed to fetch libtorch (no network?); " + LIBRARY_PATH + " to a local libtorch " + TORCH_VERSION
                    + " avoids the download");
        }
        hints.add("see README.md, 'Running on a CUDA GPU'");
        return hints;
    }

    private static String cudaHowTo() {
        return "run with " + ALLOW_DOWNLOAD + "=1 (DJL fetches the CUDA libtorch " + TORCH_VERSION + " matching the driver once, into its cache;"
                + " " + FLAVOR + "=" + CUDA_FLAVOR + " picks the build), or set " + LIBRARY_PATH + " to the lib folder of a local libtorch "
                + TORCH_VERSION + " CUDA install (README.md, 'Running on a CUDA GPU')";
    }

    /** GPUs the CUDA runtime reports, whatever libtorch build is loaded (0 without a driver). */
    static int gpusVisible() {
        try {
            return CudaUtils.getGpuCount();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    /** The flavor DJL loaded (cpu, cu128, ...): DJL's own record of it, else the folder name, else the files. */
    static String flavor(Path dir) {
        try {
            Field field = ai.djl.pytorch.jni.LibUtils.class.getDeclaredField("libTorch");
            field.setAccessible(true);
            Object libTorch = field.get(null);
            Field flavor = libTorch.getClass().getDeclaredField("flavor");
            flavor.setAccessible(true);
            Object value = flavor.get(libTorch);
            if (value != null) {
                return value.toString();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // DJL's internals changed: fall back to what the folder says
        }
        Matcher m = FLAVOR_IN_DIR.matcher(dir.getFileName().toString());
        if (m.find()) {
            return m.group(1);
        }
        return Files.exists(dir.resolve(System.mapLibraryName("torch_cuda"))) ? "cuda" : "cpu";
    }

    static String source(Path dir) {
        String libraryPath = env(LIBRARY_PATH);
        if (libraryPath != null) {
            for (String entry : libraryPath.split(File.pathSeparator)) {
                if (!entry.isBlank() && sameDir(Path.of(entry), dir)) {
                    return LIBRARY_PATH;
                }
            }
        }
        String javaLibraryPath = System.getProperty("java.library.path", "");
        for (String entry : javaLibraryPath.split(File.pathSeparator)) {
            if (!entry.isBlank() && sameDir(Path.of(entry), dir)) {
                return "java.library.path";
            }
        }
        String bundled = bundledVersion();
        if (bundled != null && dir.getFileName().toString().startsWith(bundled + "-")) {
            return "bundled jar (ai.djl.pytorch:pytorch-native-cpu " + bundled + ")";
        }
        return "fetched by DJL into its cache";
    }

    private static boolean sameDir(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /** Whether a libtorch jar (native/lib/pytorch.properties without placeholder) is on the classpath. */
    public static boolean bundledOnClasspath() {
        return bundledVersion() != null;
    }

    private static String bundledVersion() {
        try (InputStream in = TorchInstall.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("placeholder") != null ? null : p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }
}
