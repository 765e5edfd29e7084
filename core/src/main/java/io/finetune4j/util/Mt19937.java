package io.finetune4j.util;

/**
 * The 32-bit Mersenne Twister as libtorch's {@code at::mt19937} (the CPU generator behind
 * {@code torch.manual_seed}), numpy's legacy {@code np.random.seed} and Python's {@code random}
 * run it: same seeding ({@code init_genrand}, or Python's {@code init_by_array}), same outputs. It
 * feeds {@code torch.randperm} (HF's sampler order) and the generator states a checkpoint's
 * rng_state.pth holds.
 */
public final class Mt19937 {
    public static final int N = 624;
    private static final int M = 397;
    private final int[] state = new int[N];
    private int next = N; // the index of the next word; N: regenerate first
    private final long seed;

    private Mt19937(long seed) {
        this.seed = seed;
    }

    /** torch.manual_seed(seed) / np.random.seed(seed): init_genrand with the low 32 bits. */
    public static Mt19937 seeded(long seed) {
        Mt19937 g = new Mt19937(seed);
        g.initGenrand((int) seed);
        return g;
    }

    /** Python's random.seed(n) for a non-negative int below 2^32: init_by_array([n]). */
    public static Mt19937 pythonSeeded(long seed) {
        Mt19937 g = new Mt19937(seed);
        g.initGenrand(19650218);
        int[] key = {(int) seed};
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            int prev = g.state[i - 1];
            g.state[i] = (g.state[i] ^ ((prev ^ (prev >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                g.state[0] = g.state[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            int prev = g.state[i - 1];
            g.state[i] = (g.state[i] ^ ((prev ^ (prev >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                g.state[0] = g.state[N - 1];
                i = 1;
            }
        }
        g.state[0] = 0x80000000;
        return g;
    }

    private void initGenrand(int s) {
        state[0] = s;
        for (int j = 1; j < N; j++) {
            state[j] = 1812433253 * (state[j - 1] ^ (state[j - 1] >>> 30)) + j;
        }
        next = N;
    }

    /** The next 32-bit output, as an unsigned value. */
    public long nextUnsigned() {
        if (next >= N) {
            twist();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (state[k] & 0x80000000) | (state[(k + 1) % N] & 0x7fffffff);
            state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        next = 0;
    }

    /** torch.randperm(n, generator) on the CPU (n below 2^32/20: swaps with random() % (n - i)). */
    public static int[] randperm(int n, long seed) {
        Mt19937 g = seeded(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = 0; i < n - 1; i++) {
            int z = (int) (g.nextUnsigned() % (n - i));
            int t = p[i];
            p[i] = p[z + i];
            p[z + i] = t;
        }
        return p;
    }

    /** The 624 state words (unsigned). */
    public long[] words() {
        long[] out = new long[N];
        for (int i = 0; i < N; i++) {
            out[i] = state[i] & 0xffffffffL;
        }
        return out;
    }

    /** Index of the next word (624: the words regenerate before the next output). */
    public int position() {
        return next;
    }

    public long seed() {
        return seed;
    }
}
