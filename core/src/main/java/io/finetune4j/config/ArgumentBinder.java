package io.finetune4j.config;

import io.finetune4j.BadInputException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sets the {@link Arg}-annotated fields of an arguments object from a map of snake_case keys
 * (a parsed YAML/JSON file and/or CLI flags). Values may arrive as strings (flags) or typed
 * (YAML); both are converted to the field's type. An unknown key or an unconvertible value is a
 * {@link BadInputException} that names the key, the value and what would be accepted.
 */
public final class ArgumentBinder {
    private ArgumentBinder() {}

    /** Describes one argument: its key, Java field, type and help. */
    public record ArgInfo(String name, Field field, String help, String refused, String noEffect) {
        /** implemented, refused (only HF's default is accepted) or accepted without effect here. */
        public String status() {
            if (!refused.isEmpty()) {
                return "refused: " + refused;
            }
            return noEffect.isEmpty() ? "implemented" : "accepted, no effect here: " + noEffect;
        }

        public String typeName() {
            Class<?> t = field.getType();
            if (t.isEnum()) {
                return String.join(" \\| ", choices());
            }
            if (t == List.class) {
                return "list of strings";
            }
            if (t == Map.class) {
                return "mapping";
            }
            if (t == Object.class) {
                return "string or mapping";
            }
            return switch (t.getSimpleName()) {
                case "int", "Integer", "long", "Long" -> "int";
                case "double", "Double", "float", "Float" -> "float";
                case "boolean", "Boolean" -> "bool";
                case "String" -> "string";
                default -> t.getSimpleName();
            };
        }

        public List<String> choices() {
            Class<?> t = field.getType();
            if (!t.isEnum()) {
                return List.of();
            }
            return Arrays.stream(t.getEnumConstants()).map(e -> enumKey((Enum<?>) e)).toList();
        }
    }

    /** All arguments of a class, in declaration order (superclass first). */
    public static List<ArgInfo> describe(Class<?> type) {
        List<ArgInfo> out = new ArrayList<>();
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            chain.add(0, c);
        }
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                Arg arg = f.getAnnotation(Arg.class);
                if (arg != null && !Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    out.add(new ArgInfo(arg.name(), f, arg.help(), arg.refused(), arg.noEffect()));
                }
            }
        }
        return out;
    }

    /** Applies {@code values} onto {@code target}; {@code origin} names where they came from for errors. */
    public static <T> T bind(T target, Map<String, ?> values, String origin) {
        Map<String, ArgInfo> byName = new LinkedHashMap<>();
        for (ArgInfo info : describe(target.getClass())) {
            byName.put(info.name(), info);
        }
        Object defaults = null;
        for (Map.Entry<String, ?> e : values.entrySet()) {
            String key = e.getKey();
            ArgInfo info = byName.get(key);
            if (info == null) {
                throw new BadInputException("unknown argument '" + key + "'" + from(origin)
                        + Suggestions.didYouMean(key, byName.keySet())
                        + (Suggestions.closest(key, byName.keySet()).isEmpty() ? " (see docs/ARGUMENTS.md for the supported names)" : ""));
            }
            Object converted = convert(info, e.getValue(), origin);
            try {
                if (!info.refused().isEmpty()) {
                    defaults = defaults != null ? defaults : freshInstance(target.getClass());
                    Object def = info.field().get(defaults);
                    if (!sameAsDefault(converted, def)) {
                        throw new BadInputException(key + "=" + e.getValue() + from(origin) + " is not supported: " + info.refused());
                    }
                }
                info.field().set(target, converted);
            } catch (IllegalAccessException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return target;
    }

    /**
     * Binds one flat map onto several argument objects (as HF's HfArgumentParser splits one config
     * into ModelArguments, DataTrainingArguments and TrainingArguments): each key goes to the object
     * that declares it; a key none declares is an error suggesting the closest of all known keys.
     */
    public static void bindAll(Map<String, ?> values, String origin, Object... targets) {
        Map<String, Object> owner = new LinkedHashMap<>();
        for (Object target : targets) {
            for (ArgInfo info : describe(target.getClass())) {
                owner.put(info.name(), target);
            }
        }
        Map<Object, Map<String, Object>> perTarget = new java.util.IdentityHashMap<>();
        for (Object target : targets) {
            perTarget.put(target, new LinkedHashMap<>());
        }
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Object target = owner.get(e.getKey());
            if (target == null) {
                String hint = Suggestions.didYouMean(e.getKey(), owner.keySet());
                throw new BadInputException("unknown argument '" + e.getKey() + "'" + from(origin)
                        + (hint.isEmpty() ? " (see docs/ARGUMENTS.md for the supported names)" : hint));
            }
            perTarget.get(target).put(e.getKey(), e.getValue());
        }
        perTarget.forEach((target, map) -> bind(target, map, origin));
    }

    /** The current values of all arguments, keyed by name, in declaration order (for JSON dumps). */
    public static Map<String, Object> toMap(Object args) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ArgInfo info : describe(args.getClass())) {
            try {
                Object v = info.field().get(args);
                out.put(info.name(), v instanceof Enum<?> en ? enumKey(en) : v);
            } catch (IllegalAccessException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return out;
    }

    private static Object freshInstance(Class<?> type) {
        try {
            var ctor = type.getDeclaredConstructor();
            ctor.setAccessible(true);
            return ctor.newInstance();
        } catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(type + " needs a no-argument constructor for its defaults", ex);
        }
    }

    /**
     * Whether a value of a refused argument means what HF's default means: equal to it, or "off" where
     * the default is unset (false for a None bool, an empty string, list or mapping for None).
     */
    static boolean sameAsDefault(Object value, Object def) {
        if (java.util.Objects.equals(value, def)) {
            return true;
        }
        if (def == null || "".equals(def) || def instanceof List<?> l && l.isEmpty() || def instanceof Map<?, ?> m && m.isEmpty()) {
            return value == null || Boolean.FALSE.equals(value) || "".equals(value) || value instanceof List<?> vl && vl.isEmpty()
                    || value instanceof Map<?, ?> vm && vm.isEmpty() || (def == null || "".equals(def)) && "".equals(String.valueOf(value).trim());
        }
        return false;
    }

    /** Enum constants are spelled as HF spells the value: lower case ({@code CONSTANT_WITH_WARMUP} → constant_with_warmup). */
    public static String enumKey(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String from(String origin) {
        return origin == null || origin.isEmpty() ? "" : " in " + origin;
    }

    private static Object convert(ArgInfo info, Object raw, String origin) {
        Class<?> t = info.field().getType();
        String key = info.name();
        if (raw == null) {
            if (t.isPrimitive()) {
                throw bad(key, "null", "a " + info.typeName() + " value", origin);
            }
            return null;
        }
        String s = raw instanceof String str ? str.trim() : null;
        try {
            if (t == String.class) {
                return raw.toString();
            }
            if (t == int.class || t == Integer.class) {
                if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                    return Math.toIntExact(n.longValue());
                }
                return Integer.parseInt(s);
            }
            if (t == long.class || t == Long.class) {
                return raw instanceof Number n ? n.longValue() : Long.parseLong(s);
            }
            if (t == double.class || t == Double.class) {
                return raw instanceof Number n ? n.doubleValue() : Double.parseDouble(s);
            }
            if (t == float.class || t == Float.class) {
                return raw instanceof Number n ? n.floatValue() : Float.parseFloat(s);
            }
            if (t == boolean.class || t == Boolean.class) {
                if (raw instanceof Boolean b) {
                    return b;
                }
                if (s != null && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(s);
                }
                throw bad(key, raw, "true or false", origin);
            }
            if (t.isEnum()) {
                String v = raw.toString().trim().toLowerCase(Locale.ROOT);
                for (Object c : t.getEnumConstants()) {
                    if (enumKey((Enum<?>) c).equals(v)) {
                        return c;
                    }
                }
                throw bad(key, raw, "one of " + info.choices() + Suggestions.didYouMean(v, info.choices()), origin);
            }
            if (t == List.class) {
                if (raw instanceof List<?> list) {
                    return list.stream().map(String::valueOf).toList();
                }
                String str = raw.toString().trim();
                if (str.isEmpty()) {
                    return List.of();
                }
                return Arrays.stream(str.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
            }
            if (t == Object.class) {
                return raw;
            }
            if (t == Map.class) {
                if (raw instanceof Map<?, ?> m) {
                    Map<String, Object> copy = new LinkedHashMap<>();
                    m.forEach((k, v) -> copy.put(String.valueOf(k), v));
                    return copy;
                }
                throw bad(key, raw, "a mapping (use the config file for nested values)", origin);
            }
        } catch (NumberFormatException | ArithmeticException | NullPointerException e) {
            throw bad(key, raw, "a " + info.typeName() + " value", origin);
        }
        throw new IllegalStateException("unsupported argument type " + t + " for " + key
                + (info.field().getGenericType() instanceof ParameterizedType p ? " " + p : ""));
    }

    private static BadInputException bad(String key, Object value, String expected, String origin) {
        return new BadInputException("invalid value '" + value + "' for " + key + from(origin) + ": expected " + expected);
    }
}
