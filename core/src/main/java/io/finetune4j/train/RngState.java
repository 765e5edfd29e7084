package io.finetune4j.train;

import io.finetune4j.io.Tensor;
import io.finetune4j.io.TorchSave;
import io.finetune4j.util.Mt19937;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * rng_state.pth as HF's Trainer writes it ({@code _save_rng_state}: {@code torch.save({"python", "numpy", "cpu"})}),
 * holding the generator states that {@code transformers.set_seed(seed)} leaves: Python's {@code random.seed(seed)}
 * ({@code (3, 624 words + position, None)}), numpy's {@code np.random.seed(seed)} ({@code ('MT19937', uint32[624], 624,
 * 0, 0.0)}) and torch's {@code torch.manual_seed(seed)} (libtorch's CPUGeneratorImplState, 5,056 bytes: initial
 * seed, left = 1, seeded = 1, next = 0, the 624 words as uint64, no cached normal samples).
 *
 * <p>finetune4j does not draw from these states: the engine can neither read nor set libtorch's generator state, so each step reseeds
 * it from (seed, step) ({@link TrainingStep#stepSeed}) and a resumed run needs nothing saved. HF's Trainer resuming such a
 * checkpoint restores these seed states (a valid state, not the one a finetune4j step left); without dropout that
 * changes nothing. Resuming here does not read rng_state.pth.
 */
public final class RngState {
    public static final String FILE = "rng_state.pth";
    /** sizeof(CPUGeneratorImplState) in libtorch 1.x/2.x on 64-bit little-endian machines. */
    static final int CPU_STATE_BYTES = 5056;

    private RngState() {}

    public static void save(Path file, long seed) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("python", python(seed));
        root.put("numpy", numpy(seed));
        root.put("cpu", new Tensor(Tensor.DType.U8, new long[] {CPU_STATE_BYTES}, ByteBuffer.wrap(cpuState(seed))));
        TorchSave.write(file, root);
    }

    /** random.getstate() after random.seed(seed). */
    static TorchSave.Tuple python(long seed) {
        Mt19937 g = Mt19937.pythonSeeded(seed);
        List<Object> words = new ArrayList<>();
        for (long w : g.words()) {
            words.add(w);
        }
        words.add((long) g.position());
        return TorchSave.Tuple.of(3L, new TorchSave.Tuple(words), null);
    }

    /** np.random.get_state() after np.random.seed(seed): a uint32 ndarray pickled as numpy pickles it. */
    static TorchSave.Tuple numpy(long seed) {
        Mt19937 g = Mt19937.seeded(seed);
        ByteBuffer raw = ByteBuffer.allocate(4 * Mt19937.N).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : g.words()) {
            raw.putInt((int) w);
        }
        TorchSave.Reduce empty = new TorchSave.Reduce("numpy.core.multiarray", "_reconstruct", TorchSave.Tuple.of(
                new TorchSave.Global("numpy", "ndarray"), TorchSave.Tuple.of(0L), new TorchSave.Latin1Bytes(new byte[] {'b'})));
        TorchSave.Build dtype = new TorchSave.Build(new TorchSave.Reduce("numpy", "dtype", TorchSave.Tuple.of("u4", false, true)),
                TorchSave.Tuple.of(3L, "<", null, null, null, -1L, -1L, 0L));
        TorchSave.Build array = new TorchSave.Build(empty, TorchSave.Tuple.of(1L, TorchSave.Tuple.of((long) Mt19937.N), dtype, false,
                new TorchSave.Latin1Bytes(raw.array())));
        return TorchSave.Tuple.of("MT19937", array, (long) g.position(), 0L, 0.0);
    }

    /** torch.random.get_rng_state() after torch.manual_seed(seed): libtorch's CPUGeneratorImplState bytes. */
    static byte[] cpuState(long seed) {
        Mt19937 g = Mt19937.seeded(seed);
        ByteBuffer b = ByteBuffer.allocate(CPU_STATE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(seed);  // the_initial_seed
        b.putInt(1);      // left
        b.putInt(1);      // seeded
        b.putLong(0);     // next
        for (long w : g.words()) {
            b.putLong(w); // state[624] as uint64
        }
        b.putDouble(0).putDouble(0).putDouble(0); // normal_x, normal_y, normal_rho
        b.putInt(0);      // normal_is_valid, then padding to 8
        b.putInt(0);
        b.putFloat(0);    // next_float_normal_sample
        b.put((byte) 0);  // is_next_float_normal_sample_valid, then padding
        return b.array();
    }
}
