package io.finetune4j.cli;

import io.finetune4j.train.distributed.LaunchConfig;
import io.finetune4j.train.distributed.Launcher;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code finetune4j launch}: torchrun for those without Python ({@link Launcher}); docs/DISTRIBUTED.md. */
@Command(name = "launch", modelTransformer = LaunchCommand.StopAtCommand.class,
        description = {"Run a finetune4j command as N ranks on this node, as torchrun does: each gets RANK, WORLD_SIZE,",
            "LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT; output lines start with [rank R]; when one rank",
            "fails the others are stopped and its exit code returned. Everything after the command goes to the ranks.",
            "Example: finetune4j launch --nproc_per_node 2 train --config configs/imdb-quick.yaml (docs/DISTRIBUTED.md)."})
final class LaunchCommand implements Callable<Integer> {
    @Option(names = {"--nproc_per_node", "--nproc-per-node"}, required = true, paramLabel = "N", description = "Processes (ranks) on this node.")
    int nprocPerNode;

    @Option(names = "--nnodes", defaultValue = "1", paramLabel = "M", description = "Nodes taking part (default: ${DEFAULT-VALUE}).")
    int nnodes;

    @Option(names = {"--node_rank", "--node-rank"}, defaultValue = "0", paramLabel = "R", description = "This node's rank, 0 to M-1 (default: ${DEFAULT-VALUE}).")
    int nodeRank;

    @Option(names = {"--master_addr", "--master-addr"}, defaultValue = LaunchConfig.DEFAULT_MASTER_ADDR, paramLabel = "HOST",
            description = "Address of node 0, where rank 0 listens (default: ${DEFAULT-VALUE}).")
    String masterAddr;

    @Option(names = {"--master_port", "--master-port"}, defaultValue = "" + LaunchConfig.DEFAULT_MASTER_PORT, paramLabel = "PORT",
            description = "Rank 0's port (default: ${DEFAULT-VALUE}).")
    int masterPort;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The finetune4j command and its arguments, e.g. train --config run.yaml.")
    List<String> command;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LaunchConfig config = new LaunchConfig(nprocPerNode, nnodes, nodeRank, masterAddr, masterPort);
        List<String> argv = new ArrayList<>(Launcher.currentJvm(Main.class.getName()));
        argv.addAll(command);
        PrintWriter err = spec.commandLine().getErr();
        Launcher.Result result = new Launcher(config, argv, spec.commandLine().getOut(), err).run();
        if (!result.ok()) {
            err.println("error: " + result.message());
            err.flush();
        }
        return result.exitCode();
    }

    /** Options after the command belong to the ranks: parsing stops at the first positional. */
    static final class StopAtCommand implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            spec.parser().stopAtPositional(true);
            return spec;
        }
    }
}
