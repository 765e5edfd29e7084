package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.Cache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every command line of README.md's {@code ```bash} blocks, in order, so an example can no longer rot.
 *
 * <p>How a line runs. {@code bin/finetune4j ARGS} runs {@link Main#run} in-process (the launcher only adds
 * the build and JVM flags; LauncherTest covers it), and must exit 0 without an error line. An optional
 * part {@code [--flag value]} is run both ways: once without every optional part and once with all of
 * them ({@code ...} inside brackets is dropped). A trailing {@code # comment} is ignored.
 *
 * <p>Substitutions (the syntax and flags of each example stay exactly as written):
 * <ul>
 *   <li>The cache is a temporary folder ({@code -Dfinetune4j.home}) made by {@link TinyCache}: the known
 *       names ({@code bert-base-uncased} and every other known name) resolve, through the real resolver, to a tiny random BERT with
 *       the real vocabulary, and {@code imdb} to 48 + 48 synthetic reviews. Nothing is fetched; the real
 *       checkpoint in the user's cache is never touched.</li>
 *   <li>{@code results/imdb-quick} is a folder under the test's temporary folder; the quick-start line
 *       {@code train --config configs/imdb-quick.yaml} makes it, with {@link #TINY_TRAIN} appended
 *       (one tiny layer, 16 training rows, 8 evaluation rows, {@code --output_dir} that folder).</li>
 *   <li>{@code bench} cases get {@link #TINY_BENCH} appended (a tiny random model, one short iteration).
 *       {@code results.jsonl} (for {@code bench report}) is what the block's {@code bench ... --json}
 *       printed.</li>
 *   <li>Input files the examples name ({@code reviews.txt}, {@code path/to/folder-or-file}) are written
 *       by the test; output files ({@code scores.jsonl}) go to the temporary folder.</li>
 *   <li>{@code > docs/ARGUMENTS.md}: the output is compared with the committed file instead of written.</li>
 *   <li>{@code serve}: started as its own JVM (same classpath and cache) on {@code --port 0}; each
 *       following {@code curl} line runs (curl, or Java's HttpClient where curl is missing) against
 *       the port it printed, and must answer 200; then the server gets SIGTERM.</li>
 *   <li>{@code NAME=value bin/finetune4j ...} (the environment variables in {@link #ENV_RULES}) runs as its own
 *       JVM with that environment.</li>
 *   <li>{@code mvn -B -ntp test} is checked for syntax only (this is that suite). {@code mvn -B -ntp -Pgpu -DskipTests
 *       package} (the CUDA build, 840 MB of natives, which cannot load without an NVIDIA driver) runs as Maven's
 *       dependency tree of core with that profile: it must resolve to libtorch's {@code linux-x86_64-gpu} natives and
 *       CUDA's runtime, and no CPU natives.</li>
 * </ul>
 *
 * <p>A line whose command has no rule in {@link #RULES} (a new command, or a shell command other than
 * those above) fails the test with the block's heading and the line, so whoever adds a README example
 * adds its rule here too.
 */
class ReadmeExamplesTest {
    /** Appended to every README train line: the same config and flags, on a tiny model and a few rows. */
    static final List<String> TINY_TRAIN = List.of("--num_hidden_layers", "1", "--max_train_samples", "16", "--max_eval_samples", "8",
            "--per_device_train_batch_size", "8", "--per_device_eval_batch_size", "8", "--logging_steps", "1");
    /** Appended to README bench lines. */
    static final List<String> TINY_BENCH = List.of("--size", "tiny", "--batch_size", "2", "--seq_len", "16", "--warmup", "0",
            "--repeat", "1", "--steps", "3", "--texts", "8", "--gemm", "64,64,64");

    /**
     * The commands README examples may run, by command path; the value says what the test adds. A README
     * line whose command is not here fails: add its rule (and any substitution it needs) when adding it.
     */
    static final Map<String, String> RULES = new LinkedHashMap<>();

    static {
        RULES.put("train", "TINY_TRAIN appended, --output_dir the temporary results/imdb-quick");
        RULES.put("evaluate", "as written");
        RULES.put("predict", "as written; reviews.txt written by the test");
        RULES.put("fill-mask", "as written");
        RULES.put("serve", "own JVM on --port 0, then the block's curl lines");
        RULES.put("data show", "as written; path/to/folder-or-file is a CSV folder written by the test");
        RULES.put("data fetch", "as written (the tiny cache already holds imdb)");
        RULES.put("tokenize", "as written");
        RULES.put("model fetch", "as written (the tiny cache already holds bert-base-uncased)");
        RULES.put("model show", "as written");
        RULES.put("spark train", "in-process (local[*]), the ranks child JVMs; reviews-labelled.csv (text,label) written by the test; "
                + "TINY_TRAIN appended; results/imdb-spark under the temporary folder");
        RULES.put("spark predict", "as written (in-process local[*]); reviews.csv (a text column) written by the test, scored in the temporary folder");
        RULES.put("model convert", "as written; path/to/checkpoint holds tests/fixtures/pytorch/state-dict.bin (torch.save's own file) as pytorch_model.bin");
        RULES.put("bench", "TINY_BENCH appended; bench report reads what the bench --json lines printed");
        RULES.put("plot", "as written");
        RULES.put("doctor", "as written");
        RULES.put("config", "as written");
        RULES.put("docs", "output compared with the file it is redirected to");
        RULES.put("export onnx", "as written; results/imdb-quick-onnx is a folder under the temporary folder");
        RULES.put("launch", "own JVM (its ranks inherit the tiny cache); TINY_TRAIN and --output_dir a temporary folder appended to its train, "
                + "a free --master_port");
    }

    /** Environment variables a README line may set before bin/finetune4j. */
    static final List<String> ENV_RULES = List.of("TORCH_CPP_LOG_LEVEL", "FINETUNE4J_LOW_MEMORY");

    /** README's CUDA build line (the Maven profile gpu). */
    static final String GPU_BUILD = "mvn -B -ntp -Pgpu -DskipTests package";

    @TempDir
    static Path tmp;
    static String previousHome;
    static Path results;

    record Block(String heading, int line, List<String> commands) {}

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void tinyWorld() throws Exception {
        previousHome = System.getProperty(Cache.PROPERTY);
        System.setProperty(Cache.PROPERTY, TinyCache.create(tmp.resolve("cache")).toString());
        results = Files.createDirectories(tmp.resolve("results")).resolve("imdb-quick");
        Files.writeString(tmp.resolve("reviews.txt"), "I hate this movie\ni love this movie\nan average film\n");
        Files.writeString(tmp.resolve("reviews.csv"), "id,text\n1,I hate this movie\n2,i love this movie\n3,an average film\n");
        Files.writeString(tmp.resolve("reviews-labelled.csv"), "text,label\nI hate this movie,0\ni love this movie,1\na dull film,0\n"
                + "a great film,1\nawful acting,0\nlovely story,1\nboring plot,0\nwonderful cast,1\n");
        Path local = Files.createDirectories(tmp.resolve("local-data"));
        Files.writeString(local.resolve("train.csv"), "text,label\ngreat film,1\nawful film,0\nlovely,1\n");
        Files.writeString(local.resolve("test.csv"), "text,label\ngood,1\nbad,0\n");
        Path checkpoint = Files.createDirectories(tmp.resolve("checkpoint"));
        Files.copy(Path.of("tests/fixtures/pytorch/state-dict.bin"), checkpoint.resolve("pytorch_model.bin"));
    }

    @AfterAll
    static void restore() {
        if (previousHome == null) {
            System.clearProperty(Cache.PROPERTY);
        } else {
            System.setProperty(Cache.PROPERTY, previousHome);
        }
    }

    /** The ```bash blocks of a Markdown text with the heading above each and its command lines. */
    static List<Block> bashBlocks(String markdown) {
        List<Block> blocks = new ArrayList<>();
        String heading = "(top)";
        List<String> current = null;
        int start = 0;
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (current == null) {
                if (line.startsWith("#")) {
                    heading = line.replaceFirst("^#+\\s*", "").strip();
                } else if (line.strip().equals("```bash") || line.strip().equals("```sh") || line.strip().equals("```shell")) {
                    current = new ArrayList<>();
                    start = i + 1;
                }
            } else if (line.strip().equals("```")) {
                blocks.add(new Block(heading, start, current));
                current = null;
            } else if (!line.isBlank()) {
                current.add(line.strip());
            }
        }
        return blocks;
    }

    @Test
    void everyReadmeCommandRuns() throws Exception {
        List<Block> blocks = bashBlocks(Files.readString(Path.of("README.md")));
        assertTrue(blocks.size() >= 8, "README.md has its bash blocks: " + blocks.size());
        // Every line must have a rule before anything runs, so a new block fails with its name at once.
        List<String> uncovered = new ArrayList<>();
        for (Block block : blocks) {
            for (String command : block.commands()) {
                String why = coverage(command);
                if (why != null) {
                    uncovered.add("README.md block '" + block.heading() + "' (line " + block.line() + "): `" + command + "` " + why);
                }
            }
        }
        assertEquals(List.of(), uncovered, "README examples without a rule in ReadmeExamplesTest.RULES");

        // The quick start first: it makes results/imdb-quick, which later examples use.
        int ran = 0;
        for (Block block : blocks) {
            List<String> jsonOutputs = new ArrayList<>();
            Process server = null;
            String serverAddress = null;
            try {
                for (String command : block.commands()) {
                    String where = "README.md block '" + block.heading() + "' (line " + block.line() + "): " + command;
                    List<Token> tokens = lex(stripComment(command));
                    Map<String, String> env = envPrefix(tokens);
                    tokens = tokens.subList(env.size(), tokens.size());
                    String program = tokens.get(0).text();
                    if (!env.isEmpty()) {
                        for (List<String> args : variants(tokens)) {
                            runWithEnvironment(substitute(args), env, where);
                            ran++;
                        }
                        continue;
                    }
                    if (program.equals("mvn")) {
                        String line = join(tokens);
                        if (line.equals(GPU_BUILD)) {
                            gpuProfileResolves(where);
                            ran++;
                            continue;
                        }
                        assertEquals("mvn -B -ntp test", line, where + " (syntax only: this suite is that command)");
                        assertTrue(Files.isRegularFile(Path.of("pom.xml")), where);
                        continue;
                    }
                    if (program.equals("curl")) {
                        assertTrue(serverAddress != null, where + ": curl needs a serve line before it in the same block");
                        curl(tokens, serverAddress, where);
                        ran++;
                        continue;
                    }
                    for (List<String> args : variants(tokens)) {
                        args = substitute(args);
                        String redirect = null;
                        int gt = args.indexOf(">");
                        if (gt >= 0) {
                            redirect = args.get(gt + 1);
                            args = new ArrayList<>(args.subList(0, gt));
                        }
                        String name = args.get(0);
                        if (name.equals("serve")) {
                            if (server == null) {
                                server = startServer(args, where);
                                serverAddress = awaitAddress(server, where);
                            }
                            continue;
                        }
                        if (name.equals("train")) {
                            args.addAll(TINY_TRAIN);
                            args.addAll(List.of("--output_dir", results.toString()));
                        }
                        if (name.equals("launch")) { // the ranks are child JVMs: they see the tiny cache through the -D of their parent
                            args.addAll(args.indexOf("launch") + 1, List.of("--master_port", Integer.toString(DistributedTrainTest.freePort())));
                            args.addAll(TINY_TRAIN);
                            args.addAll(List.of("--output_dir", tmp.resolve("results-launch").toString()));
                            long t0 = System.nanoTime();
                            runWithEnvironment(args, Map.of(), where);
                            System.out.printf("%6.1f s  %s%n", (System.nanoTime() - t0) / 1e9, args);
                            ran++;
                            continue;
                        }
                        if (name.equals("spark") && args.get(1).equals("train")) {
                            args.addAll(TINY_TRAIN);
                        }
                        if (name.equals("bench") && !args.get(1).equals("report")) {
                            args.addAll(TINY_BENCH);
                        }
                        if (name.equals("bench") && args.get(1).equals("report")) {
                            Path file = tmp.resolve("results.jsonl");
                            assertTrue(!jsonOutputs.isEmpty(), where + ": bench report needs a bench --json line before it in its block");
                            Files.writeString(file, String.join("", jsonOutputs));
                            args.set(args.indexOf("results.jsonl"), file.toString());
                        }
                        long t0 = System.nanoTime();
                        Run r = run(args);
                        System.out.printf("%6.1f s  %s%n", (System.nanoTime() - t0) / 1e9, args);
                        assertEquals(0, r.code(), where + " → " + args + " exited " + r.code() + ": " + r.err());
                        assertTrue(!r.err().contains("error:"), where + " → " + args + " printed an error: " + r.err());
                        if (redirect != null) {
                            assertEquals(Files.readString(Path.of(redirect)), r.out(), where + ": " + redirect + " is not what the command prints");
                        }
                        if (name.equals("bench") && args.contains("--json")) {
                            jsonOutputs.add(r.out());
                        }
                        ran++;
                    }
                }
            } finally {
                if (server != null) {
                    server.destroy(); // SIGTERM: drains, then stops
                    if (!server.waitFor(30, TimeUnit.SECONDS)) {
                        server.destroyForcibly();
                    }
                }
            }
        }
        assertTrue(ran >= 20, "ran " + ran + " example commands");
    }

    /** Null when the test knows how to run {@code command}, else why not. */
    static String coverage(String command) {
        List<Token> tokens = lex(stripComment(command));
        if (tokens.isEmpty()) {
            return "is empty";
        }
        Map<String, String> env = envPrefix(tokens);
        for (String name : env.keySet()) {
            if (!ENV_RULES.contains(name)) {
                return "sets " + name + ", which the test has no rule for (ENV_RULES)";
            }
        }
        tokens = tokens.subList(env.size(), tokens.size());
        if (tokens.isEmpty()) {
            return "only sets variables";
        }
        String program = tokens.get(0).text();
        if (program.equals("mvn") || program.equals("curl")) {
            return env.isEmpty() ? null : "sets variables before " + program;
        }
        if (!program.equals("bin/finetune4j")) {
            return "runs '" + program + "', which the test has no rule for";
        }
        List<String> args = tokens.stream().skip(1).map(Token::text).toList();
        if (args.isEmpty()) {
            return "has no command";
        }
        String one = args.get(0);
        String two = args.size() > 1 ? one + " " + args.get(1) : one;
        if (RULES.containsKey(two) || RULES.containsKey(one)) {
            return null;
        }
        return "runs 'finetune4j " + one + "', which has no rule in RULES (add what a tiny run of it needs)";
    }

    /** Leading {@code NAME=value} words of a line (before the program). */
    static Map<String, String> envPrefix(List<Token> tokens) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Token t : tokens) {
            Matcher m = Pattern.compile("^([A-Z_][A-Z0-9_]*)=(.*)$").matcher(t.text());
            if (!m.matches()) {
                break;
            }
            env.put(m.group(1), m.group(2));
        }
        return env;
    }

    /** A line with environment variables, as its own JVM (see the class comment for what is substituted). */
    private static void runWithEnvironment(List<String> args, Map<String, String> env, String where) throws Exception {
        Map<String, String> environment = new LinkedHashMap<>(env);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + Cache.PROPERTY + "=" + System.getProperty(Cache.PROPERTY), "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("PYTORCH_FLAVOR");
        pb.environment().putAll(environment);
        Path out = tmp.resolve("env-out.txt");
        Path err = tmp.resolve("env-err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), where + " timed out");
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), where + " → " + environment + " " + args + ": " + stderr);
        assertTrue(!stderr.contains("error:"), where + ": " + stderr);
    }

    /**
     * The gpu profile as Maven resolves it (poms only, no 840 MB download): core's dependencies must be libtorch's
     * CUDA natives and CUDA's runtime, and not the CPU natives.
     */
    private static void gpuProfileResolves(String where) throws Exception {
        Path root = Path.of("").toAbsolutePath(); // the tests run in the repository root, as README's commands do
        if (!Files.isRegularFile(root.resolve("core/pom.xml"))) {
            root = root.getParent();
        }
        Path out = tmp.resolve("gpu-tree.txt");
        Process p = new ProcessBuilder("mvn", "-B", "-ntp", "-q", "-Pgpu", "-pl", "core", "dependency:tree", "-DoutputFile=" + out)
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("gpu-mvn.log").toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), where + ": mvn -Pgpu dependency:tree timed out");
        assertEquals(0, p.exitValue(), where + ": " + Files.readString(tmp.resolve("gpu-mvn.log")));
        String tree = Files.readString(out);
        assertTrue(tree.contains("org.bytedeco:pytorch:jar:linux-x86_64-gpu:"), where + ": " + tree);
        assertTrue(tree.contains("org.bytedeco:cuda-redist:jar:linux-x86_64:"), where + ": " + tree);
        assertFalse(tree.contains("org.bytedeco:pytorch:jar:linux-x86_64:"), where + ": the CPU natives too: " + tree);
    }

    record Token(String text, boolean quoted) {}

    /** Shell words: single and double quotes group (and are removed); nothing else is interpreted. */
    static List<Token> lex(String line) {
        List<Token> tokens = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                quoted = true;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    tokens.add(new Token(word.toString(), quoted));
                }
                word.setLength(0);
                inWord = false;
                quoted = false;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            tokens.add(new Token(word.toString(), quoted));
        }
        return tokens;
    }

    /** The line without a trailing {@code # comment} (a # after whitespace, outside quotes). */
    static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && i > 0 && Character.isWhitespace(line.charAt(i - 1))) {
                return line.substring(0, i).strip();
            }
        }
        return line.strip();
    }

    /**
     * The arguments after {@code bin/finetune4j}: without the optional {@code [...]} parts, and (when the
     * line has some) with all of them, {@code ...} dropped. Brackets inside quotes are text.
     */
    static List<List<String>> variants(List<Token> tokens) {
        List<String> plain = new ArrayList<>();
        List<String> full = new ArrayList<>();
        boolean optional = false;
        boolean anyOptional = false;
        for (Token t : tokens.subList(1, tokens.size())) {
            String text = t.text();
            boolean opens = !t.quoted() && text.startsWith("[");
            boolean closes = !t.quoted() && text.endsWith("]");
            if (opens) {
                optional = true;
                anyOptional = true;
                text = text.substring(1);
            }
            if (closes) {
                text = text.substring(0, text.length() - 1);
            }
            if (!text.isEmpty() && !(optional && text.equals("..."))) {
                full.add(text);
                if (!optional) {
                    plain.add(text);
                }
            }
            if (closes) {
                optional = false;
            }
        }
        return anyOptional ? List.of(plain, full) : List.of(plain);
    }

    /** The README's paths, pointed at the test's files. */
    static List<String> substitute(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            out.add(switch (a) {
                case "results/imdb-quick" -> results.toString();
                case "results/pairs" -> results.toString(); // any BERT folder takes a pair: [CLS] a [SEP] b [SEP]
                case "results/imdb-quick-onnx" -> results.resolveSibling("imdb-quick-onnx").toString();
                case "reviews.txt" -> tmp.resolve("reviews.txt").toString();
                case "reviews.csv" -> tmp.resolve("reviews.csv").toString();
                case "reviews-labelled.csv" -> tmp.resolve("reviews-labelled.csv").toString();
                case "results/imdb-spark" -> tmp.resolve("imdb-spark").toString();
                case "scored" -> tmp.resolve("scored").toString();
                case "scores.jsonl" -> tmp.resolve("scores.jsonl").toString();
                case "path/to/folder-or-file" -> tmp.resolve("local-data").toString();
                case "path/to/checkpoint" -> tmp.resolve("checkpoint").toString();
                default -> a;
            });
        }
        return out;
    }

    static Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static Process startServer(List<String> args, String where) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + Cache.PROPERTY + "=" + System.getProperty(Cache.PROPERTY), "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        List<String> serveArgs = new ArrayList<>(args);
        int port = serveArgs.indexOf("--port");
        if (port >= 0) {
            serveArgs.set(port + 1, "0"); // any free port; the test reads which one
        } else {
            serveArgs.addAll(List.of("--port", "0"));
        }
        cmd.addAll(serveArgs);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Waits for "serving ... on http://HOST:PORT" and returns HOST:PORT. */
    private static String awaitAddress(Process server, String where) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        Pattern serving = Pattern.compile("serving .* on https?://([^/ ]+)");
        for (String line; (line = reader.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = serving.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        reader.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the server went away
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new AssertionError(where + ": serve exited before serving: " + seen);
    }

    /** Runs a README curl line against the server the block started (curl itself when installed). */
    private static void curl(List<Token> tokens, String address, String where) throws Exception {
        List<String> args = new ArrayList<>();
        for (Token t : tokens) {
            args.add(t.text().replaceAll("^(https?://)?localhost:\\d+", "$1" + address));
        }
        if (onPath("curl")) {
            List<String> cmd = new ArrayList<>(args);
            cmd.addAll(1, List.of("--fail", "--max-time", "60"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String body = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), where);
            assertEquals(0, p.exitValue(), where + " → " + cmd + ": " + body);
            assertTrue(body.strip().startsWith("{") || body.strip().startsWith("["), where + " answers JSON: " + body);
            return;
        }
        // No curl here: the same request with Java's client (-X METHOD, -d BODY, the URL).
        String method = "GET";
        String data = null;
        String url = null;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("-X")) {
                method = a.length() > 2 ? a.substring(2) : args.get(++i);
            } else if (a.equals("-d") || a.equals("--data")) {
                data = args.get(++i);
                method = method.equals("GET") ? "POST" : method;
            } else if (!a.startsWith("-")) {
                url = a.startsWith("http") ? a : "http://" + a;
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, data == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(data));
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), where + ": " + response.body());
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static String join(List<Token> tokens) {
        return String.join(" ", tokens.stream().map(Token::text).toList());
    }

    @Test
    void aNewBlockWithoutARuleIsNamed() {
        String readme = "# x\n\n### distill — smaller models\n\n```bash\nbin/finetune4j distill --model results/imdb-quick\npython3 -c 'print(1)'\n```\n";
        List<Block> blocks = bashBlocks(readme);
        assertEquals(1, blocks.size());
        assertEquals("distill — smaller models", blocks.get(0).heading());
        assertTrue(coverage(blocks.get(0).commands().get(0)).contains("'finetune4j distill', which has no rule"));
        assertTrue(coverage(blocks.get(0).commands().get(1)).contains("runs 'python3'"));
        assertEquals(null, coverage("bin/finetune4j predict --model x \"a [MASK] b\"   # comment [x]"));
        assertEquals(null, coverage("TORCH_CPP_LOG_LEVEL=INFO bin/finetune4j doctor"));
        assertTrue(coverage("CUDA_VISIBLE_DEVICES=1 bin/finetune4j doctor").contains("sets CUDA_VISIBLE_DEVICES"));
    }

    @Test
    void optionalPartsRunBothWaysAndQuotedBracketsAreText() {
        List<List<String>> v = variants(lex(stripComment(
                "bin/finetune4j data show imdb [--split train] [--rows 3] \"a [b] c\" [--x 1 ...]   # DatasetDict({ ... [x]")));
        assertEquals(List.of(List.of("data", "show", "imdb", "a [b] c"),
                List.of("data", "show", "imdb", "--split", "train", "--rows", "3", "a [b] c", "--x", "1")), v);
    }
}
