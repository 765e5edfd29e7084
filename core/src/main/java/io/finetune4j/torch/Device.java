package io.finetune4j.torch;

/** A compute device as torch names it: {@code cpu}, {@code cuda:0}. */
public record Device(Type type, int index) {
    public enum Type { CPU, CUDA }

    private static final Device CPU = new Device(Type.CPU, -1);

    public Device {
        if (type == Type.CPU) {
            index = -1;
        }
    }

    public static Device cpu() {
        return CPU;
    }

    public static Device cuda(int index) {
        return new Device(Type.CUDA, index);
    }

    public boolean isCuda() {
        return type == Type.CUDA;
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:N}, and {@code gpu}/{@code gpu:N} (the names earlier finetune4j
     * versions took); throws {@link IllegalArgumentException} for anything else.
     */
    public static Device parse(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("cpu")) {
            return CPU;
        }
        for (String prefix : new String[] {"cuda", "gpu"}) {
            if (n.equals(prefix)) {
                return cuda(0);
            }
            if (n.startsWith(prefix + ":")) {
                try {
                    int i = Integer.parseInt(n.substring(prefix.length() + 1));
                    if (i >= 0) {
                        return cuda(i);
                    }
                } catch (NumberFormatException e) {
                    // falls through
                }
            }
        }
        throw new IllegalArgumentException("unknown device '" + name + "'; use cpu or cuda:N");
    }

    @Override
    public String toString() {
        return type == Type.CPU ? "cpu" : "cuda:" + index;
    }
}
