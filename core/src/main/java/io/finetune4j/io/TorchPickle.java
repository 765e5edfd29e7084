package io.finetune4j.io;

import io.finetune4j.BadInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A restricted unpickler for the {@code data.pkl} of a {@code torch.save} zip: it understands the
 * opcodes a state dict needs (protocols 2 to 4) and rebuilds only tensors. The only globals it
 * accepts are {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter} and the typed storage classes ({@code torch.FloatStorage}
 * ...) named in persistent ids; any other global (e.g. {@code os.system}) is refused when the
 * opcode naming it is read, before anything could be called. Nothing is ever executed: "calling"
 * an allowed global builds a Java value.
 */
final class TorchPickle {
    /** Where the bytes of storage {@code key} ({@code data/<key>} in the zip) come from. */
    @FunctionalInterface
    interface StorageSource {
        ByteBuffer bytes(String key, long minBytes);
    }

    /** A storage class, e.g. {@code torch.FloatStorage}, as named in a persistent id. */
    record StorageType(String name, Tensor.DType dtype) {}

    /** A global the unpickler accepts (what GLOBAL pushes). */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A storage as a persistent id describes it, with its bytes. */
    record Storage(Tensor.DType dtype, String key, ByteBuffer bytes) {}

    /** A Python tuple (immutable, unlike a list). */
    record Tuple(Object[] items) {
        int size() {
            return items.length;
        }

        Object get(int i) {
            return items[i];
        }
    }

    private static final Map<String, Tensor.DType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", Tensor.DType.F32), Map.entry("DoubleStorage", Tensor.DType.F64),
            Map.entry("HalfStorage", Tensor.DType.F16), Map.entry("BFloat16Storage", Tensor.DType.BF16),
            Map.entry("LongStorage", Tensor.DType.I64), Map.entry("IntStorage", Tensor.DType.I32),
            Map.entry("ShortStorage", Tensor.DType.I16), Map.entry("CharStorage", Tensor.DType.I8),
            Map.entry("ByteStorage", Tensor.DType.U8), Map.entry("BoolStorage", Tensor.DType.BOOL));
    private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor_v2");
    private static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");
    private static final Set<Global> CALLABLES = Set.of(ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER);
    private static final Object MARK = new Object();
    /** How deep state dicts may nest (HF's are flat; a training checkpoint nests two or three levels). */
    static final int MAX_DEPTH = 100;
    /**
     * Bytes that views which are not plain slices (transposed, or expanded with stride 0) may add on top of
     * the storages they read: such a view is copied, and a 4-byte storage expanded to [60000, 60000] would be
     * 14 GB.
     */
    static final long MAX_EXPANDED_BYTES = 256L << 20;

    private final String where;
    private final ByteBuffer in;
    private final StorageSource storages;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();
    private final Map<String, Storage> loaded = new HashMap<>();
    private long storageBytes;
    private long copiedBytes;

    /** Globals read as {@link TorchCheckpoint.PythonObject} values instead of being refused (none for a state dict). */
    private Set<String> opaque = Set.of();

    private TorchPickle(String where, byte[] pickle, StorageSource storages) {
        this.where = where;
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.storages = storages;
    }

    /** Every allowed global, for error messages. */
    static String allowedGlobals() {
        Set<String> names = new TreeSet<>();
        CALLABLES.forEach(g -> names.add(g.qualified()));
        STORAGES.keySet().forEach(s -> names.add("torch." + s));
        return String.join(", ", names);
    }

    /**
     * Unpickles a state dict: a (possibly nested) dict of tensors, flattened to {@code name → tensor}
     * with nested keys joined by dots. {@code where} names the file in error messages.
     */
    static Map<String, Tensor> stateDict(String where, byte[] pickle, StorageSource storages) {
        Object root = new TorchPickle(where, pickle, storages).run();
        if (!(root instanceof Map<?, ?> map)) {
            throw new BadInputException(where + " holds a " + describe(root) + ", not a state dict of tensors; "
                    + "save model.state_dict() (as save_pretrained does), not the whole model");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        // A dict stored at several keys is walked once per key: bound the walk by what a tree of this size could hold.
        long[] budget = {4L * pickle.length + 1000};
        flatten("", map, out, where, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), budget);
        return out;
    }

    /** The unpickled object with tuples as lists (see {@link TorchCheckpoint#readObject}). */
    static Object object(String where, byte[] pickle, StorageSource storages) {
        return object(where, pickle, storages, Set.of());
    }

    /** As {@link #object(String, byte[], StorageSource)}, with the globals in {@code opaque} read as {@link TorchCheckpoint.PythonObject} values. */
    static Object object(String where, byte[] pickle, StorageSource storages, Set<String> opaque) {
        TorchPickle p = new TorchPickle(where, pickle, storages);
        p.opaque = opaque;
        return plain(p.run(), 0, where, new long[] {16L * pickle.length + 1024});
    }

    private static Object plain(Object o, int depth, String where, long[] budget) {
        if (--budget[0] < 0) {
            throw new BadInputException(where + " is not a readable checkpoint: its objects are shared under so many keys that"
                    + " copying them out gives more values than the file could hold");
        }
        if (depth > MAX_DEPTH) {
            throw new BadInputException(where + " is not a readable checkpoint: its objects nest more than " + MAX_DEPTH
                    + " deep (or contain themselves); a checkpoint's state is a few levels deep");
        }
        if (o instanceof Tuple t) {
            List<Object> out = new ArrayList<>();
            for (Object x : t.items()) {
                out.add(plain(x, depth + 1, where, budget));
            }
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(plain(x, depth + 1, where, budget)));
            return out;
        }
        if (o instanceof TorchCheckpoint.PythonObject x) {
            return new TorchCheckpoint.PythonObject(x.global(), plain(x.args(), depth + 1, where, budget), plain(x.state(), depth + 1, where, budget));
        }
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(plain(k, depth + 1, where, budget), plain(v, depth + 1, where, budget)));
            return out;
        }
        return o;
    }

    /** Depth-first over nested dicts; {@code path} holds the dicts being walked, so a dict that contains itself is caught. */
    private static void flatten(String prefix, Map<?, ?> map, Map<String, Tensor> out, String where, Set<Map<?, ?>> path, long[] budget) {
        budget[0] -= map.size();
        if (budget[0] < 0) {
            throw new BadInputException(where + " is not a readable tensor checkpoint: its dicts are stored under so many keys"
                    + " (near '" + shorten(prefix) + "') that flattening them gives more entries than the file could hold; a state dict"
                    + " is a flat dict of tensors");
        }
        if (path.size() >= MAX_DEPTH) {
            throw new BadInputException(where + " is not a readable tensor checkpoint: its dicts nest more than " + MAX_DEPTH
                    + " deep (at key '" + shorten(prefix) + "'); a state dict is a flat dict of tensors");
        }
        path.add(map);
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Tensor t) {
                out.put(key, t);
            } else if (v instanceof Map<?, ?> nested) {
                if (path.contains(nested)) {
                    throw new BadInputException(where + " is not a readable tensor checkpoint: the dict at key '" + shorten(key)
                            + "' contains itself; a state dict is a flat dict of tensors");
                }
                flatten(key + ".", nested, out, where, path, budget);
            } else if (v != null && !(v instanceof String) && !(v instanceof Long) && !(v instanceof Boolean) && !(v instanceof Double)) {
                throw new BadInputException(where + ": entry '" + shorten(key) + "' is a " + describe(v) + ", not a tensor");
            }
            // plain numbers and strings (e.g. an epoch counter next to the weights) are not weights: skipped
        }
        path.remove(map);
    }

    private static String shorten(String key) {
        return key.length() <= 120 ? key : key.substring(0, 60) + "..." + key.substring(key.length() - 40) + " (" + key.length() + " characters)";
    }

    private Object run() {
        try {
            while (true) {
                int op = in.get() & 0xff;
                switch (op) {
                    case 0x80 -> { // PROTO
                        int protocol = in.get() & 0xff;
                        if (protocol > 5) {
                            throw bad("pickle protocol " + protocol + " is newer than any torch.save writes");
                        }
                    }
                    case 0x95 -> in.getLong(); // FRAME: the length only
                    case '.' -> { // STOP
                        if (stack.size() != 1) {
                            throw bad("pickle ended with " + stack.size() + " values on the stack");
                        }
                        return stack.get(0);
                    }
                    case '(' -> { marks.add(stack.size()); stack.add(MARK); }
                    case ')' -> push(new Tuple(new Object[0]));
                    case 0x85 -> push(new Tuple(popN(1)));
                    case 0x86 -> push(new Tuple(popN(2)));
                    case 0x87 -> push(new Tuple(popN(3)));
                    case 't' -> push(new Tuple(popMark()));
                    case ']' -> push(new ArrayList<>());
                    case 'l' -> push(new ArrayList<>(Arrays.asList(popMark())));
                    case 'a' -> list(peek()).add(pop());
                    case 'e' -> {
                        Object[] items = popMark();
                        list(peek()).addAll(Arrays.asList(items));
                    }
                    case '}' -> push(new LinkedHashMap<>());
                    case 'd' -> {
                        Object[] items = popMark();
                        Map<Object, Object> m = new LinkedHashMap<>();
                        putAll(m, items);
                        push(m);
                    }
                    case 's' -> {
                        Object value = pop();
                        Object key = hashable(pop());
                        map(peek()).put(key, value);
                    }
                    case 'u' -> {
                        Object[] items = popMark();
                        putAll(map(peek()), items);
                    }
                    case 'N' -> push(null);
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'K' -> push((long) (in.get() & 0xff));
                    case 'M' -> push((long) (in.getShort() & 0xffff));
                    case 'J' -> push((long) in.getInt());
                    case 0x8a -> push(long1(in.get() & 0xff));
                    case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // big-endian
                    case 'X' -> push(utf8(Integer.toUnsignedLong(in.getInt())));
                    case 0x8c -> push(utf8(in.get() & 0xff));
                    case 0x8d -> push(utf8(in.getLong()));
                    case 'T' -> push(latin1(Integer.toUnsignedLong(in.getInt())));
                    case 'U' -> push(latin1(in.get() & 0xff));
                    case 'q' -> memo.put(in.get() & 0xff, peek());
                    case 'r' -> memo.put(in.getInt(), peek());
                    case 0x94 -> memo.put(memo.size(), peek());
                    case 'h' -> push(memoGet(in.get() & 0xff));
                    case 'j' -> push(memoGet(in.getInt()));
                    case '0' -> pop();
                    case '2' -> push(peek());
                    case 'c' -> {
                        String module = line();
                        String name = line();
                        push(global(module, name));
                    }
                    case 0x93 -> { // STACK_GLOBAL
                        Object name = pop();
                        Object module = pop();
                        if (!(module instanceof String m) || !(name instanceof String n)) {
                            throw bad("STACK_GLOBAL without module and name strings");
                        }
                        push(global(m, n));
                    }
                    case 'Q' -> push(persistentLoad(pop())); // BINPERSID
                    case 'R' -> { // REDUCE
                        Object args = pop();
                        Object callable = pop();
                        push(call(callable, args));
                    }
                    case 'b' -> { // BUILD: state of an OrderedDict (its _metadata) is not needed
                        Object state = pop();
                        if (peek() instanceof TorchCheckpoint.PythonObject o) {
                            pop();
                            push(new TorchCheckpoint.PythonObject(o.global(), o.args(), state));
                            continue;
                        }
                        if (!(peek() instanceof Map<?, ?>)) {
                            throw bad("BUILD on a " + describe(peek()) + "; only tensors and dicts are rebuilt");
                        }
                        if (state != null && !(state instanceof Map<?, ?>) && !(state instanceof Tuple)) {
                            throw bad("BUILD with a " + describe(state) + " state");
                        }
                    }
                    default -> throw bad(String.format("pickle opcode 0x%02x ('%s') at byte %d is not one a tensor state dict uses; "
                            + "refusing it (only tensors are rebuilt)", op, printable(op), in.position() - 1));
                }
            }
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw bad("pickle ends early at byte " + in.position() + " (truncated file?)");
        } catch (ArithmeticException e) {
            throw bad("a tensor size, stride or offset before byte " + in.position() + " overflows 64 bits");
        }
    }

    private Object global(String module, String name) {
        Global g = new Global(module, name);
        if (opaque.contains(g.qualified())) {
            return new TorchCheckpoint.PythonObject(g.qualified(), null, null);
        }
        if (CALLABLES.contains(g)) {
            return g;
        }
        if (module.equals("torch") && STORAGES.containsKey(name)) {
            return new StorageType(name, STORAGES.get(name));
        }
        throw new BadInputException(where + " asks for the pickle global '" + module + "." + name
                + "', which is not a tensor: refusing to load it (a checkpoint may only use " + allowedGlobals()
                + "); the file may be malicious, do not torch.load it either");
    }

    private Object persistentLoad(Object pid) {
        // ('storage', storage_type, key, location, numel)
        if (!(pid instanceof Tuple t) || t.size() < 5 || !"storage".equals(t.get(0)) || !(t.get(1) instanceof StorageType type)
                || !(t.get(4) instanceof Long numel)) {
            throw bad("persistent id " + describe(pid) + " is not a ('storage', type, key, location, numel) tuple");
        }
        String key = String.valueOf(t.get(2));
        if (!key.matches("[0-9A-Za-z_]+")) {
            throw bad("storage key '" + key + "' is not a plain name");
        }
        Storage known = loaded.get(key);
        if (known != null) {
            return known;
        }
        if (numel < 0 || numel > (Integer.MAX_VALUE - 8) / type.dtype().bytes) {
            throw bad("storage data/" + key + " declares " + numel + " elements of " + type.name()
                    + (numel < 0 ? "" : ", over the 2 GiB one storage may hold here"));
        }
        long need = numel * type.dtype().bytes;
        Storage s = new Storage(type.dtype(), key, storages.bytes(key, need));
        loaded.put(key, s);
        storageBytes += need;
        return s;
    }

    private Object call(Object callable, Object args) {
        if (callable instanceof TorchCheckpoint.PythonObject o && o.args() == null && args instanceof Tuple) {
            return new TorchCheckpoint.PythonObject(o.global(), args, null);
        }
        if (!(callable instanceof Global g)) {
            throw bad("REDUCE on a " + describe(callable) + "; only " + allowedGlobals() + " may be called");
        }
        if (!(args instanceof Tuple a)) {
            throw bad("REDUCE arguments are a " + describe(args) + ", not a tuple");
        }
        if (g.equals(ORDERED_DICT)) {
            if (a.size() != 0) {
                throw bad("OrderedDict with arguments is not a state dict");
            }
            return new LinkedHashMap<>();
        }
        if (g.equals(REBUILD_PARAMETER)) {
            if (a.size() < 1 || !(a.get(0) instanceof Tensor t)) {
                throw bad("_rebuild_parameter without a tensor");
            }
            return t;
        }
        return rebuildTensor(a);
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private Tensor rebuildTensor(Tuple a) {
        if (a.size() < 4 || !(a.get(0) instanceof Storage storage) || !(a.get(1) instanceof Long offset)
                || !(a.get(2) instanceof Tuple sizeT) || !(a.get(3) instanceof Tuple strideT) || sizeT.size() != strideT.size()) {
            throw bad("_rebuild_tensor_v2 arguments are not (storage, offset, size, stride, ...)");
        }
        long[] shape = longs(sizeT);
        long[] stride = longs(strideT);
        Tensor.DType dtype = storage.dtype();
        int es = dtype.bytes;
        ByteBuffer src = storage.bytes();
        long elements = src.remaining() / es;
        // The largest element index the view touches must lie inside the storage.
        long last = offset;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0 || stride[i] < 0) {
                throw bad("tensor with negative size or stride");
            }
            if (shape[i] > 0) {
                last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
            }
        }
        long numel = Tensor.numel(shape);
        if (numel > 0 && (offset < 0 || last >= elements)) {
            throw bad("tensor view reaches element " + last + " of storage data/" + storage.key() + ", which has " + elements
                    + " elements (truncated file?)");
        }
        ByteBuffer data;
        if (contiguous(shape, stride)) {
            data = src.duplicate().position(Math.toIntExact(offset * es)).limit(Math.toIntExact((offset + numel) * es)).slice();
        } else {
            // A view that is no plain slice is copied: bound what the copies add to what the storages hold.
            long bytes = Math.multiplyExact(numel, (long) es);
            if (bytes > Integer.MAX_VALUE - 8 || copiedBytes + bytes > storageBytes + MAX_EXPANDED_BYTES) {
                throw bad("tensor view " + Arrays.toString(shape) + " with stride " + Arrays.toString(stride) + " of storage data/"
                        + storage.key() + " (" + src.remaining() + " bytes) would be copied into " + bytes + " bytes; views that expand"
                        + " their storages by more than " + (MAX_EXPANDED_BYTES >> 20) + " MiB in all are refused (save tensors with .contiguous())");
            }
            copiedBytes += bytes;
            data = gather(src, es, offset, shape, stride, numel);
        }
        Tensor t = new Tensor(dtype, shape, data.order(ByteOrder.LITTLE_ENDIAN));
        if (dtype == Tensor.DType.F16 || dtype == Tensor.DType.BF16) {
            return Tensor.ofFloats(shape, t.toFloats());
        }
        return t;
    }

    private static boolean contiguous(long[] shape, long[] stride) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    private static ByteBuffer gather(ByteBuffer src, int es, long offset, long[] shape, long[] stride, long numel) {
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(numel * es));
        long[] index = new long[shape.length];
        byte[] element = new byte[es];
        int base = src.position();
        for (long n = 0; n < numel; n++) {
            long pos = offset;
            for (int d = 0; d < shape.length; d++) {
                pos += index[d] * stride[d];
            }
            src.duplicate().position(Math.toIntExact(base + pos * es)).get(element);
            out.put(element);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out.flip();
    }

    private long[] longs(Tuple t) {
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long l)) {
                throw bad("tensor size or stride holds a " + describe(t.get(i)));
            }
            out[i] = l;
        }
        return out;
    }

    // ---- stack helpers ---------------------------------------------------------------------

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty()) {
            throw bad("pickle pops an empty stack");
        }
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) {
            throw bad("pickle pops a MARK");
        }
        return o;
    }

    private Object peek() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw bad("pickle reads an empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private Object[] popN(int n) {
        Object[] out = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = pop();
        }
        return out;
    }

    private Object[] popMark() {
        if (marks.isEmpty()) {
            throw bad("pickle has no MARK to pop to");
        }
        int at = marks.remove(marks.size() - 1);
        List<Object> items = stack.subList(at + 1, stack.size());
        Object[] out = items.toArray();
        stack.subList(at, stack.size()).clear();
        return out;
    }

    private Object memoGet(int key) {
        if (!memo.containsKey(key)) {
            throw bad("pickle reads memo slot " + key + " before writing it");
        }
        return memo.get(key);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw bad("APPEND to a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw bad("SETITEM on a " + describe(o));
    }

    private void putAll(Map<Object, Object> m, Object[] items) {
        if (items.length % 2 != 0) {
            throw bad("SETITEMS with an odd number of items");
        }
        for (int i = 0; i < items.length; i += 2) {
            m.put(hashable(items[i]), items[i + 1]);
        }
    }

    /** A dict key as Python allows one (no dict or list: those are unhashable, and hashing a dict that contains itself never ends). */
    private Object hashable(Object key) {
        if (key == null || key instanceof String || key instanceof Long || key instanceof Boolean || key instanceof Double
                || key instanceof Tuple) {
            return key;
        }
        throw bad("a dict key is a " + describe(key) + ", which Python cannot hash either");
    }

    private String utf8(long n) {
        byte[] b = bytes(n, "string");
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw bad("the " + n + "-byte string before byte " + in.position() + " is not valid UTF-8");
        }
    }

    private String latin1(long n) {
        return new String(bytes(n, "string"), StandardCharsets.ISO_8859_1);
    }

    /** The next {@code n} bytes, where {@code n} was read from the pickle and must fit what is left of it. */
    private byte[] bytes(long n, String what) {
        if (n < 0 || n > in.remaining()) {
            throw bad("a " + what + " at byte " + in.position() + " claims " + Long.toUnsignedString(n) + " bytes but only "
                    + in.remaining() + " follow (truncated or corrupt file)");
        }
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    private Object long1(int n) {
        byte[] b = bytes(n, "LONG1 integer");
        if (n == 0) {
            return 0L;
        }
        if (n > 8) {
            throw bad("integer of " + n + " bytes is too large");
        }
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        if (n < 8 && (b[n - 1] & 0x80) != 0) {
            v -= 1L << (8 * n); // two's complement of n bytes
        }
        return v;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        for (byte c; (c = in.get()) != '\n'; ) {
            sb.append((char) (c & 0xff));
            if (sb.length() > 256) {
                throw bad("GLOBAL name longer than 256 characters");
            }
        }
        return sb.toString();
    }

    private static String printable(int op) {
        return op >= 0x20 && op < 0x7f ? String.valueOf((char) op) : "\\x" + Integer.toHexString(op);
    }

    private static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof Tuple t) return "tuple of " + t.size();
        if (o instanceof Global g) return "global " + g.qualified();
        if (o instanceof Map<?, ?>) return "dict";
        if (o instanceof List<?>) return "list";
        if (o instanceof Tensor) return "tensor";
        if (o instanceof Storage) return "storage";
        return o.getClass().getSimpleName();
    }

    private BadInputException bad(String what) {
        return new BadInputException(where + " is not a readable tensor checkpoint: " + what);
    }
}
