package io.finetune4j.torch;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * One rank of {@link ProcessGroupTest}: {@code ProcessGroupMain RANK WORLD PORT MODE}. MODE "collectives" prints the
 * results of all_reduce, broadcast and all_gather; "die" makes rank 1 exit after the first collective while the
 * others try a second one (and print the one line they get). A fifth argument: the store is hosted by someone else
 * (torchrun's agent) and this is the key prefix.
 */
public final class ProcessGroupMain {
    public static void main(String[] a) {
        int rank = Integer.parseInt(a[0]);
        int world = Integer.parseInt(a[1]);
        int port = Integer.parseInt(a[2]);
        String mode = a[3];
        String agentPrefix = a.length > 4 ? a[4] : null; // torchrun's agent hosts the store
        try (ProcessGroup pg = ProcessGroup.init("gloo", "127.0.0.1", port, agentPrefix, rank, world, Duration.ofSeconds(20), Device.cpu());
             Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {rank + 1f, 10f * (rank + 1)}, 2);
            pg.allReduce(x);
            System.out.println("all_reduce " + Arrays.toString(x.toFloatArray()));
            if (mode.equals("die")) {
                if (rank == 1) {
                    System.out.println("exiting");
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                }
                long t0 = System.nanoTime();
                try {
                    pg.allReduceAsync(List.of(Tensor.of(new float[] {1f}, 1))).await();
                    System.out.println("second all_reduce returned");
                } catch (DistributedException e) {
                    System.out.printf("lost peer after %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, e.getMessage());
                }
                return;
            }
            Tensor b = Tensor.of(new float[] {rank, rank, rank}, 3);
            pg.broadcast(b, 1);
            System.out.println("broadcast " + Arrays.toString(b.toFloatArray()));
            Tensor g = pg.allGather(Tensor.of(new float[] {rank, -rank}, 2));
            System.out.println("all_gather " + Arrays.toString(g.shape()) + " " + Arrays.toString(g.toFloatArray()));
            pg.storeSet("hello/" + rank, "from " + rank);
            pg.barrier();
            System.out.println("store " + pg.storeGet("hello/" + (world - 1 - rank)) + " missing=" + pg.storeGet("nope"));
            pg.barrier(); // rank 0 hosts the store: it stays until every rank has read it
        }
    }
}
