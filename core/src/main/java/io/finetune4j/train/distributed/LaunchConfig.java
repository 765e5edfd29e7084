package io.finetune4j.train.distributed;

import io.finetune4j.BadInputException;

/**
 * What {@code finetune4j launch} starts, with torchrun's names ({@code torch.distributed.launcher.api.LaunchConfig}
 * and its flags): {@code nproc_per_node} processes on this node, node {@code node_rank} of {@code nnodes}, all
 * meeting at {@code master_addr:master_port} (torchrun's static rendezvous, {@code --rdzv-backend=static}).
 */
public record LaunchConfig(int nprocPerNode, int nnodes, int nodeRank, String masterAddr, int masterPort) {
    /** torchrun's defaults. */
    public static final String DEFAULT_MASTER_ADDR = "127.0.0.1";
    public static final int DEFAULT_MASTER_PORT = DistributedEnv.DEFAULT_MASTER_PORT;

    public LaunchConfig {
        if (nprocPerNode < 1) {
            throw new BadInputException("--nproc_per_node " + nprocPerNode + " must be at least 1");
        }
        if (nnodes < 1) {
            throw new BadInputException("--nnodes " + nnodes + " must be at least 1");
        }
        if (nodeRank < 0 || nodeRank >= nnodes) {
            throw new BadInputException("--node_rank " + nodeRank + " must be in [0, --nnodes " + nnodes + ")");
        }
        if (masterAddr == null || masterAddr.isBlank()) {
            throw new BadInputException("--master_addr must not be empty (rank 0's host; default " + DEFAULT_MASTER_ADDR + ")");
        }
        if (masterPort < 1 || masterPort > 65535) {
            throw new BadInputException("--master_port " + masterPort + " must be a TCP port in [1, 65535]");
        }
        if ((long) nprocPerNode * nnodes > Integer.MAX_VALUE) {
            throw new BadInputException("--nproc_per_node × --nnodes is too large");
        }
    }

    /** All processes of all nodes. */
    public int worldSize() {
        return nprocPerNode * nnodes;
    }

    /** The global rank of this node's {@code localRank}-th process. */
    public int rank(int localRank) {
        return nodeRank * nprocPerNode + localRank;
    }
}
