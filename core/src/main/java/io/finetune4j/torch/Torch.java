package io.finetune4j.torch;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Process-wide libtorch state: loading the natives, the default generator (seed and state), threads, version,
 * devices, and what the CPU can do.
 */
public final class Torch {
    /** The lock file in JavaCPP's cache directory that serializes the first extraction across processes. */
    static final String LOCK_FILE = ".finetune4j-extract.lock";
    /** libtorch's intra-op threads, applied when libtorch loads ({@code torch.set_num_threads}); unset: libtorch's default. */
    public static final String NUM_THREADS = "finetune4j.torch.num_threads";
    private static volatile String loadedLibrary;

    private Torch() {}

    /**
     * Loads libtorch's natives once per process (a clear {@link EngineUnavailableException} when it cannot).
     * The first load extracts the natives into JavaCPP's cache ({@code org.bytedeco.javacpp.cachedir}, default
     * {@code ~/.javacpp/cache}); two processes extracting into one cache at once crash, so the first load holds an
     * exclusive lock on a file in that directory: JVMs started together (Spark executors, training ranks) wait for
     * each other.
     */
    public static void load() {
        if (loadedLibrary == null) {
            loadOnce();
        }
    }

    private static synchronized void loadOnce() {
        if (loadedLibrary != null) {
            return;
        }
        String platform = Loader.getPlatform();
        if (Torch.class.getResource("/org/bytedeco/pytorch/" + platform + "-gpu/") != null && !nvidiaDriverPresent()) {
            throw new EngineUnavailableException("the CUDA build of libtorch (" + platform + "-gpu) is on the"
                    + " class path but this machine has no NVIDIA driver (no /proc/driver/nvidia/version); loading it"
                    + " here crashes the JVM: build without -Pgpu to run on the CPU", null);
        }
        File cache = null;
        try {
            cache = cacheDir();
            Files.createDirectories(cache.toPath());
            try (FileChannel ch = FileChannel.open(cache.toPath().resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                preExtract();
                useMkl();
                String lib = Loader.load(torch.class);
                loadedLibrary = lib == null ? "" : lib;
            }
            TorchLogging.apply(); // libtorch's own stderr log, at the level asked for
            String threads = System.getProperty(NUM_THREADS);
            if (threads != null && !threads.isBlank()) {
                try {
                    torch.set_num_threads(Integer.parseInt(threads.strip()));
                } catch (NumberFormatException e) {
                    throw new EngineUnavailableException("-D" + NUM_THREADS + "=" + threads + " is not a number of threads", e);
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new EngineUnavailableException("libtorch's natives did not load (" + e
                    + "; platform " + Loader.getPlatform() + ", JavaCPP cache " + cache
                    + "); run 'bin/finetune4j doctor --verbose' to see why", e);
        }
    }

    /**
     * Extracts every native library of the JavaCPP jars on the class path into the cache before the first load.
     * Loading while JavaCPP extracts library by library crashed even a single JVM on an empty cache (SIGSEGV in
     * {@code pthread_mutex_lock} while loading libtorch_cpu.so, 2026-12-07); with the files in place it loads.
     */
    private static void preExtract() throws IOException {
        String platform = Loader.getPlatform();
        for (String pkg : new String[] {"javacpp", "openblas", "mkl", "pytorch", "cuda"}) {
            for (String suffix : new String[] {"", "-gpu"}) {
                String dir = "/org/bytedeco/" + pkg + "/" + platform + suffix + "/";
                if (Torch.class.getResource(dir) != null) {
                    Loader.cacheResources(dir);
                }
            }
        }
    }

    /** The property by which JavaCPP's openblas preset loads another BLAS in its place. */
    static final String BLAS_PROPERTY = "org.bytedeco.openblas.load";

    /**
     * libtorch's BLAS (float32 matmuls): JavaCPP's libtorch links OpenBLAS; with Intel MKL's jars on the class path the
     * openblas preset loads {@code mkl_rt} in its place (same CBLAS interface), which ran a float32 BERT step 1.7x
     * faster on an Intel Xeon (docs/BENCHMARKS.md). A value set with {@code -Dorg.bytedeco.openblas.load} wins
     * ({@code openblas} keeps OpenBLAS). bf16 matmuls go through oneDNN either way.
     */
    private static void useMkl() {
        if (System.getProperty(BLAS_PROPERTY) == null
                && Torch.class.getResource("/org/bytedeco/mkl/" + Loader.getPlatform() + "/") != null) {
            System.setProperty(BLAS_PROPERTY, "mkl_rt");
        }
    }

    /** Which BLAS libtorch's float32 matmuls use: {@code mkl_rt} or {@code openblas}. */
    public static String blas() {
        load();
        String b = System.getProperty(BLAS_PROPERTY);
        return b == null || b.isBlank() ? "openblas" : b;
    }

    /** Whether the NVIDIA kernel driver is loaded (what the CUDA natives need before they can even load here). */
    static boolean nvidiaDriverPresent() {
        return Files.exists(Path.of("/proc/driver/nvidia/version")) || Files.exists(Path.of("/dev/nvidiactl"));
    }

    /** JavaCPP's cache directory: the {@code org.bytedeco.javacpp.cachedir} system property, else JavaCPP's default. */
    public static File cacheDir() throws IOException {
        String dir = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (dir != null && !dir.isBlank()) {
            return new File(dir);
        }
        return Loader.getCacheDir();
    }

    /** {@code torch.manual_seed(seed)}: the default CPU generator (dropout masks, random init), and CUDA's if any. */
    public static void manualSeed(long seed) {
        load();
        torch.manual_seed(seed);
    }

    /**
     * The default CPU generator's state ({@code torch.get_rng_state()}), as bytes: saved with a checkpoint and given
     * back to {@link #setRngState} it reproduces the same random numbers (dropout masks) exactly.
     */
    public static byte[] rngState() {
        load();
        try (org.bytedeco.javacpp.PointerScope s = new org.bytedeco.javacpp.PointerScope()) {
            org.bytedeco.pytorch.Tensor state = torch.getDefaultCPUGenerator().get_state();
            ByteBuffer b = Tensor.bytesOf(state);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
    }

    /** {@code torch.set_rng_state(state)} with bytes from {@link #rngState}. */
    public static void setRngState(byte[] state) {
        load();
        try (org.bytedeco.javacpp.PointerScope s = new org.bytedeco.javacpp.PointerScope()) {
            org.bytedeco.pytorch.Tensor t = Tensor.nativeOf(ByteBuffer.wrap(state), DType.UINT8, state.length);
            torch.getDefaultCPUGenerator().set_state(t);
        }
    }

    /** {@code torch.get_num_threads()}. */
    public static int numThreads() {
        load();
        return torch.get_num_threads();
    }

    /** {@code torch.set_num_threads(n)}. */
    public static void setNumThreads(int n) {
        load();
        torch.set_num_threads(n);
    }

    /** {@code torch.get_num_interop_threads()}. */
    public static int numInteropThreads() {
        load();
        return (int) torch.get_num_interop_threads();
    }

    /**
     * {@code torch.set_num_interop_threads(n)}; libtorch allows it only once, before any inter-op work
     * (an {@link IllegalStateException} otherwise).
     */
    public static void setNumInteropThreads(int n) {
        load();
        try {
            torch.set_num_interop_threads(n);
        } catch (RuntimeException e) {
            throw new IllegalStateException("set_num_interop_threads(" + n + "): " + e.getMessage(), e);
        }
    }

    /** libtorch's version ({@code torch.__version__} without the local part): {@code 2.10.0}. */
    public static String version() {
        load();
        String v = torch.class.getPackage() == null ? null : torch.class.getPackage().getImplementationVersion();
        if (v == null) {
            v = "2.10.0-1.5.13"; // the presets' version: libtorch's, then JavaCPP's
        }
        int dash = v.indexOf('-');
        return dash < 0 ? v : v.substring(0, dash);
    }

    /** {@code torch.cuda.is_available()}: false with the CPU natives or without a usable GPU. */
    public static boolean cudaIsAvailable() {
        load();
        return torch.cuda_is_available();
    }

    /** {@code torch.cuda.device_count()}. */
    public static int cudaDeviceCount() {
        load();
        return torch.cuda_is_available() ? torch.cuda_device_count() : 0;
    }

    /** The native library that loaded (a path in JavaCPP's cache). */
    public static String loadedLibrary() {
        load();
        return loadedLibrary;
    }

    /**
     * Which natives loaded, as the jar's classifier: {@code linux-x86_64} (CPU) or {@code linux-x86_64-gpu} (CUDA),
     * read from the path JavaCPP extracted them to ({@code .../pytorch-2.10.0-1.5.13-linux-x86_64-gpu.jar/...}).
     */
    public static String nativesClassifier() {
        String lib = loadedLibrary();
        String platform = Loader.getPlatform();
        for (String part : lib.replace('\\', '/').split("/")) {
            if (part.startsWith("pytorch-") && part.endsWith(".jar")) {
                String name = part.substring(0, part.length() - 4);
                int at = name.indexOf(platform);
                if (at >= 0) {
                    return name.substring(at);
                }
            }
        }
        // loaded from a directory (not a cached jar): the -gpu build ships CUDA's hooks
        return torch.class.getResource("/org/bytedeco/pytorch/" + platform + "-gpu/") != null ? platform + "-gpu" : platform;
    }

    /** The CPU's model name from {@code /proc/cpuinfo} (null where there is none). */
    public static String cpuModel() {
        for (String line : cpuinfo()) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return null;
    }

    /**
     * The CPU's bf16 instructions from {@code /proc/cpuinfo}'s flags, among {@code avx512_bf16} and
     * {@code amx_bf16}; empty where the CPU computes bf16 by conversion only (slower than float32).
     */
    public static List<String> cpuBf16Flags() {
        List<String> out = new ArrayList<>();
        for (String line : cpuinfo()) {
            if (line.startsWith("flags")) {
                List<String> flags = List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                for (String f : new String[] {"avx512_bf16", "amx_bf16"}) {
                    if (flags.contains(f)) {
                        out.add(f);
                    }
                }
                break;
            }
        }
        return out;
    }

    /** Whether the CPU has native bf16 ({@code avx512_bf16} or {@code amx_bf16}). */
    public static boolean cpuHasNativeBf16() {
        return !cpuBf16Flags().isEmpty();
    }

    private static List<String> cpuinfo() {
        Path p = Path.of("/proc/cpuinfo");
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux") || !Files.isReadable(p)) {
            return List.of();
        }
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }
}
