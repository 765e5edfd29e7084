package io.finetune4j.cli;

import io.finetune4j.BadInputException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code finetune4j} command. Exit codes everywhere: 0 success, 2 bad usage or bad input,
 * 1 runtime failure. Errors are one line; {@code --verbose} adds the stack trace.
 */
@Command(
        name = "finetune4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Fine-tune, evaluate and serve BERT-family text classifiers, the Hugging Face way.",
        subcommands = {
            DoctorCommand.class,
            ConfigCommand.class,
            DocsCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            BenchCommand.class,
            DataCommand.class,
            PlotCommand.class,
            ModelCommand.class,
            TokenizeCommand.class,
            PredictCommand.class,
            ServeCommand.class,
            SparkCommand.class,
            ExportCommand.class,
            FillMaskCommand.class,
            LongTextCommand.class,
            LaunchCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int BAD_INPUT = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Show library logs and stack traces.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI in-process and returns the exit code (tests call this). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        Logging.configure(verbose);
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, a) -> {
            String hint = "";
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                hint = "; did you mean '" + u.getSuggestions().get(0) + "'?";
            }
            err.println("error: " + ex.getMessage() + hint + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            if (verbose) {
                ex.printStackTrace(err);
            }
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, verbose, err));
        return cli.execute(args);
    }

    /**
     * The whole command tree, every command and subcommand answering {@code -h}/{@code --help}
     * (picocli's usage help: exit 0, usage on stdout). Added here, once, so a new command cannot
     * forget it; tests walk this tree.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        Help.install(cli);
        return cli;
    }

    /** One line per failure; the exit code tells bad input (2) from a runtime failure (1). */
    static int report(Throwable ex, boolean verbose, PrintWriter err) {
        Throwable cause = unwrap(ex);
        boolean badInput = cause instanceof BadInputException || cause instanceof CommandLine.ParameterException;
        // One line, always: multi-line messages from libraries are folded.
        String message = cause.getMessage() != null ? cause.getMessage().strip().replaceAll("\\s*\\R\\s*", " ") : cause.getClass().getSimpleName();
        err.println("error: " + message + (verbose || badInput ? "" : " (run with --verbose for details)"));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return badInput ? BAD_INPUT : FAILURE;
    }

    private static Throwable unwrap(Throwable ex) {
        Throwable t = ex;
        while ((t instanceof java.lang.reflect.InvocationTargetException || t instanceof java.util.concurrent.ExecutionException
                || (t instanceof RuntimeException && t.getClass() == RuntimeException.class && t.getMessage() == null))
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
