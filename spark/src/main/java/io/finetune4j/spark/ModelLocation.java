package io.finetune4j.spark;

import io.finetune4j.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a model folder is on this JVM. A model path is one of:
 * <ul>
 *   <li>a local folder every executor can read (a shared mount, or the same path on every node);</li>
 *   <li>a Hadoop FileSystem URI ({@code hdfs://…}, {@code s3a://…}, any scheme but {@code file:}): the folder is
 *       copied to a local temporary folder once per JVM and loaded from there;</li>
 *   <li>the name of a folder shipped with {@code spark-submit --archives model.zip#model} or a file set
 *       shipped with {@code --files}: resolved with {@link SparkFiles#get} when no such local folder exists.</li>
 * </ul>
 */
public final class ModelLocation {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLocation.class);
    /** Hadoop URIs already copied on this JVM: one copy per JVM, however many tasks ask. */
    private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

    private ModelLocation() {}

    /** True for a URI that Hadoop's FileSystem must read (a scheme other than file:). */
    public static boolean isRemote(String modelPath) {
        String scheme = scheme(modelPath);
        return scheme != null && !scheme.equals("file");
    }

    /** The local folder holding the model, copying it from a Hadoop FileSystem the first time. */
    public static Path localFolder(String modelPath, Map<String, String> hadoopConf) {
        if (isRemote(modelPath)) {
            return COPIES.computeIfAbsent(modelPath, p -> copyToLocal(p, hadoopConf));
        }
        Path local = localPath(modelPath);
        if (Files.isDirectory(local)) {
            return local;
        }
        Path shipped = shipped(modelPath);
        if (shipped != null) {
            return shipped;
        }
        throw new BadInputException("model folder " + modelPath + " does not exist on this machine ("
                + hostName() + "); give a folder every executor can read, an hdfs:/s3a: URI, or ship it with --archives");
    }

    /**
     * The driver's check before any job runs: the folder exists and holds config.json and a tokenizer,
     * wherever it is. Throws BadInputException with one line saying what is wrong.
     */
    public static void checkReadable(String modelPath, Map<String, String> hadoopConf) {
        if (isRemote(modelPath)) {
            try {
                org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(modelPath);
                FileSystem fs = dir.getFileSystem(configuration(hadoopConf));
                if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
                    throw new BadInputException("model folder " + modelPath + " does not exist; give a checkpoint folder (config.json, model.safetensors, tokenizer files)");
                }
                requireFiles(modelPath, name -> fs.exists(new org.apache.hadoop.fs.Path(dir, name)));
            } catch (IOException e) {
                throw new BadInputException("cannot read model folder " + modelPath + ": " + e.getMessage(), e);
            }
            return;
        }
        Path dir = localPath(modelPath);
        if (!Files.isDirectory(dir)) {
            Path shipped = shipped(modelPath);
            if (shipped == null) {
                throw new BadInputException("model folder " + modelPath + " does not exist; give a checkpoint folder (config.json, model.safetensors, tokenizer files)");
            }
            dir = shipped;
        }
        Path folder = dir;
        try {
            requireFiles(modelPath, name -> Files.isReadable(folder.resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Exists {
        boolean test(String name) throws IOException;
    }

    private static void requireFiles(String modelPath, Exists exists) throws IOException {
        if (!exists.test("config.json")) {
            throw new BadInputException("model folder " + modelPath + " has no readable config.json; give a checkpoint folder (config.json, model.safetensors, tokenizer files)");
        }
        boolean tokenizer = exists.test("tokenizer.json") || exists.test("vocab.txt") || exists.test("adapter_config.json");
        if (!tokenizer) {
            throw new BadInputException("model folder " + modelPath + " has no tokenizer (tokenizer.json or vocab.txt); save the tokenizer with the model");
        }
    }

    /** Copies a Hadoop FileSystem folder (any scheme, file: included) into a fresh local temporary folder. */
    static Path copyToLocal(String uri, Map<String, String> hadoopConf) {
        try {
            org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
            FileSystem fs = src.getFileSystem(configuration(hadoopConf));
            Path target = Files.createTempDirectory("finetune4j-model-");
            target.toFile().deleteOnExit();
            long bytes = copyTree(fs, src, target);
            LOG.info("copied model {} to {} ({} bytes)", uri, target, bytes);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy model folder " + uri + " to a local folder: " + e.getMessage(), e);
        }
    }

    private static long copyTree(FileSystem fs, org.apache.hadoop.fs.Path src, Path target) throws IOException {
        long bytes = 0;
        for (FileStatus status : fs.listStatus(src)) {
            Path to = target.resolve(status.getPath().getName());
            if (status.isDirectory()) {
                Files.createDirectories(to);
                bytes += copyTree(fs, status.getPath(), to);
            } else {
                fs.copyToLocalFile(false, status.getPath(), new org.apache.hadoop.fs.Path(to.toUri()), true);
                bytes += status.getLen();
            }
            to.toFile().deleteOnExit();
        }
        return bytes;
    }

    static Configuration configuration(Map<String, String> hadoopConf) {
        Configuration conf = new Configuration();
        hadoopConf.forEach(conf::set);
        return conf;
    }

    private static Path shipped(String name) {
        if (name.contains("/") || name.contains("\\")) {
            return null;
        }
        try {
            Path p = Paths.get(SparkFiles.get(name));
            return Files.isDirectory(p) ? p : null;
        } catch (RuntimeException e) { // no SparkContext here (not inside Spark)
            return null;
        }
    }

    private static Path localPath(String modelPath) {
        if ("file".equals(scheme(modelPath))) {
            return Paths.get(URI.create(modelPath));
        }
        return Paths.get(modelPath);
    }

    private static String scheme(String modelPath) {
        // Windows drive letters and plain paths have no scheme of two or more letters before ':'.
        int colon = modelPath.indexOf(':');
        if (colon < 2) {
            return null;
        }
        try {
            String scheme = new URI(modelPath).getScheme();
            return scheme == null ? null : scheme.toLowerCase(java.util.Locale.ROOT);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this host";
        }
    }
}
