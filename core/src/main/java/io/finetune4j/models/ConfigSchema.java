package io.finetune4j.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One family's config.json as ONE table of fields (key, type, HF default, whether it may be null or absent, the
 * range it must lie in), from which the family's config record gets its strict {@link #parse}, its {@link #toJson},
 * the set of keys it models ({@link #keys()}) and its copies with changed fields ({@link #with}).
 *
 * <p>The table's fields are the record's first components, in order, and the record ends with the five shared
 * components every family has: {@code id2label, problemType, architectures, transformersVersion, extra}. The
 * schema checks this when it is built, so a field added to the record but not to the table (or the other way round)
 * fails at class load, not at a user's config.json.
 *
 * <p>A value of the wrong type ({@code "hidden_size": 32.5}, {@code "layer_norm_eps": "abc"}) or out of its range
 * ({@code "hidden_size": -32}) is one line naming the file, the key and what was expected; so is a check the
 * record's constructor makes across fields (heads divide the hidden size), prefixed with the file.
 */
public final class ConfigSchema<C extends Record & PretrainedConfig> {
    /** The most layers a config.json may declare: HF's largest encoders have 48; more is a typo, not a model. */
    public static final int MAX_LAYERS = 1024;
    private static final List<String> SHARED_COMPONENTS = List.of("id2label", "problemType", "architectures", "transformersVersion", "extra");

    /** Whether a field may be null, and what absence means. */
    public enum Presence {
        /** Absent or null reads as the HF default; always written. */
        DEFAULTED,
        /** Absent reads as the HF default (which may be null); an explicit null stays null and is written as null. */
        NULLABLE,
        /** HF reads it with {@code getattr(config, key, default)}: absent or null reads as null and is not written back. */
        OPTIONAL
    }

    /** The values a field accepts (beyond its type). */
    public enum Range {
        ANY(""),
        POSITIVE("a positive integer"),
        NON_NEGATIVE("an integer >= 0"),
        LAYERS("an integer from 0 to " + MAX_LAYERS),
        PROBABILITY("a number from 0 to 1"),
        NON_NEGATIVE_NUMBER("a number >= 0");

        private final String expected;

        Range(String expected) {
            this.expected = expected;
        }

        boolean accepts(Object v) {
            if (!(v instanceof Number n)) {
                return true;
            }
            double d = n.doubleValue();
            return switch (this) {
                case ANY -> true;
                case POSITIVE -> d > 0;
                case NON_NEGATIVE, NON_NEGATIVE_NUMBER -> d >= 0;
                case LAYERS -> d >= 0 && d <= MAX_LAYERS;
                case PROBABILITY -> d >= 0 && d <= 1;
            };
        }
    }

    /** JSON types of fields; CUSTOM ones bring their own reader and writer. */
    public enum Type { INT, NUMBER, BOOL, TEXT, CUSTOM }

    /** Reads a CUSTOM field ({@code null} for absent). */
    @FunctionalInterface
    public interface Reader {
        Object read(JsonNode root, String source);
    }

    /** What a CUSTOM field writes for {@code value} of {@code config} ({@link #SKIP} writes nothing). */
    @FunctionalInterface
    public interface Writer {
        Object write(PretrainedConfig config, Object value);
    }

    /** A writer's answer for "leave the key out". */
    public static final Object SKIP = new Object();

    /**
     * One row of the table.
     *
     * @param owned whether the key is this field's (false: the key is read to derive the field but stays in extra)
     */
    public record Field(String key, Type type, Object hfDefault, Presence presence, Range range, Reader reader, Writer writer,
                        boolean owned) {
        public Field nullable() {
            return new Field(key, type, hfDefault, Presence.NULLABLE, range, reader, writer, owned);
        }

        public Field optional() {
            return new Field(key, type, null, Presence.OPTIONAL, range, reader, writer, owned);
        }

        public Field range(Range r) {
            return new Field(key, type, hfDefault, presence, r, reader, writer, owned);
        }

        /** Written as {@code writer} says instead of as read. */
        public Field writtenAs(Writer w) {
            return new Field(key, type, hfDefault, presence, range, reader, w, owned);
        }

        Field withDefault(Object d) {
            return new Field(key, type, d, presence, range, reader, writer, owned);
        }

        Object read(ConfigFields f, JsonNode root, String source) {
            if (type == Type.CUSTOM) {
                Object v = reader.read(root, source);
                return v == null && presence != Presence.OPTIONAL ? hfDefault : v;
            }
            if (!root.has(key)) {
                return presence == Presence.OPTIONAL ? null : hfDefault;
            }
            if (root.get(key).isNull()) {
                return presence == Presence.DEFAULTED ? hfDefault : null;
            }
            Object v = switch (type) {
                case INT -> f.optInteger(key);
                case NUMBER -> f.optNumber(key);
                case BOOL -> f.optBool(key);
                case TEXT -> f.text(key, null);
                case CUSTOM -> throw new IllegalStateException();
            };
            if (!range.accepts(v)) {
                throw new BadInputException(source + ": " + key + " must be " + range.expected + ", got " + root.get(key));
            }
            return v;
        }
    }

    public static Field integer(String key, int hfDefault) {
        return new Field(key, Type.INT, hfDefault, Presence.DEFAULTED, Range.ANY, null, null, true);
    }

    /** A width, count or id space that must be above 0 (hidden_size, num_attention_heads, vocab_size, ...). */
    public static Field size(String key, int hfDefault) {
        return integer(key, hfDefault).range(Range.POSITIVE);
    }

    /** The number of layers: 0 to {@link #MAX_LAYERS}. */
    public static Field layers(String key, int hfDefault) {
        return integer(key, hfDefault).range(Range.LAYERS);
    }

    public static Field number(String key, Double hfDefault) {
        return new Field(key, Type.NUMBER, hfDefault, Presence.DEFAULTED, Range.ANY, null, null, true);
    }

    public static Field probability(String key, Double hfDefault) {
        return number(key, hfDefault).range(Range.PROBABILITY);
    }

    public static Field bool(String key, boolean hfDefault) {
        return new Field(key, Type.BOOL, hfDefault, Presence.DEFAULTED, Range.ANY, null, null, true);
    }

    public static Field text(String key, String hfDefault) {
        return new Field(key, Type.TEXT, hfDefault, Presence.DEFAULTED, Range.ANY, null, null, true);
    }

    /** A field read by {@code reader} and written by {@code writer}. */
    public static Field custom(String key, Object hfDefault, Reader reader, Writer writer) {
        return new Field(key, Type.CUSTOM, hfDefault, Presence.DEFAULTED, Range.ANY, reader, writer, true);
    }

    /** A field derived from {@code key}, whose JSON stays in extra (written back as read). */
    public static Field derived(String key, Reader reader) {
        return new Field(key, Type.CUSTOM, null, Presence.OPTIONAL, Range.ANY, reader, (c, v) -> SKIP, false);
    }

    private final Class<C> type;
    private final List<Field> fields;
    private final RecordComponent[] components;
    private final Constructor<C> constructor;
    private final Set<String> keys;
    private final Map<String, Integer> index = new HashMap<>();

    private ConfigSchema(Class<C> type, List<Field> fields) {
        this.type = type;
        this.fields = List.copyOf(fields);
        this.components = type.getRecordComponents();
        if (components.length != fields.size() + SHARED_COMPONENTS.size()) {
            throw new IllegalStateException(type.getSimpleName() + " has " + components.length + " components but its schema lists "
                    + fields.size() + " fields + " + SHARED_COMPONENTS);
        }
        for (int i = 0; i < SHARED_COMPONENTS.size(); i++) {
            String name = components[fields.size() + i].getName();
            if (!name.equals(SHARED_COMPONENTS.get(i))) {
                throw new IllegalStateException(type.getSimpleName() + " must end with " + SHARED_COMPONENTS + ", has " + name);
            }
        }
        Set<String> owned = new LinkedHashSet<>();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            Class<?> t = components[i].getType();
            boolean ok = switch (f.type()) {
                case INT -> f.presence() == Presence.DEFAULTED ? t == int.class : t == Integer.class;
                case NUMBER -> f.presence() == Presence.DEFAULTED ? t == double.class : t == Double.class;
                case BOOL -> f.presence() == Presence.DEFAULTED ? t == boolean.class : t == Boolean.class;
                case TEXT -> t == String.class;
                case CUSTOM -> true;
            };
            if (!ok) {
                throw new IllegalStateException(type.getSimpleName() + "." + components[i].getName() + " (" + t.getSimpleName()
                        + ") does not fit field " + f.key() + " (" + f.type() + ", " + f.presence() + ")");
            }
            if (f.owned()) {
                owned.add(f.key());
            }
            index.put(f.key(), i);
        }
        this.keys = Set.copyOf(owned);
        try {
            this.constructor = type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    public static <C extends Record & PretrainedConfig> ConfigSchema<C> of(Class<C> type, Field... fields) {
        return new ConfigSchema<>(type, List.of(fields));
    }

    /** The same table with other HF defaults (RoBERTa's pad_token_id 1, ELECTRA's hidden_size 256, ...). */
    public ConfigSchema<C> withDefaults(Map<String, ?> defaults) {
        List<Field> out = new ArrayList<>(fields);
        defaults.forEach((key, value) -> {
            Integer i = index.get(key);
            if (i == null) {
                throw new IllegalArgumentException(type.getSimpleName() + " has no field " + key);
            }
            out.set(i, out.get(i).withDefault(value));
        });
        return new ConfigSchema<>(type, out);
    }

    /** The keys this table models (everything else in config.json goes to extra and is written back as read). */
    public Set<String> keys() {
        return keys;
    }

    public List<Field> fields() {
        return fields;
    }

    /** The config with every field at its HF default (HF's {@code XConfig()}). */
    public C defaults() {
        return parse(ConfigJson.JSON.createObjectNode(), "the defaults");
    }

    /** Parses a config.json object strictly; {@code source} (the file) names it in every error. */
    public C parse(ObjectNode root, String source) {
        ConfigFields f = new ConfigFields(root, source);
        Object[] args = new Object[components.length];
        for (int i = 0; i < fields.size(); i++) {
            args[i] = fields.get(i).read(f, root, source);
        }
        int n = fields.size();
        args[n] = ConfigJson.labels(root, source);
        args[n + 1] = ConfigJson.problemType(root, source);
        args[n + 2] = ConfigJson.architectures(root, source);
        args[n + 3] = f.text("transformers_version", null);
        args[n + 4] = ConfigJson.extra(root, keys);
        C config = construct(args, source);
        // HF's nn.Embedding(vocab_size, ..., padding_idx=pad_token_id) asserts the same
        if (config.padTokenId() >= config.vocabSize() || config.padTokenId() < -config.vocabSize()) {
            throw new BadInputException(source + ": pad_token_id " + config.padTokenId() + " is outside vocab_size " + config.vocabSize()
                    + "; fix config.json");
        }
        return config;
    }

    /** The config.json object of {@code config}: its fields, its extra keys and the shared ones, keys sorted as HF writes them. */
    public ObjectNode toJson(C config) {
        Object[] values = values(config);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new TreeMap<>((Map<String, JsonNode>) values[fields.size() + 4]);
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            Object v = f.writer() != null ? f.writer().write(config, values[i]) : values[i];
            if (v == SKIP || (v == null && f.presence() == Presence.OPTIONAL)) {
                continue;
            }
            m.put(f.key(), v);
        }
        ConfigJson.putShared(m, config, (String) values[fields.size() + 3]);
        return ConfigJson.toJson(m);
    }

    /** A copy of {@code config} with the fields named by their config.json keys changed (the record's checks run again). */
    public C with(C config, Map<String, ?> changes) {
        Object[] values = values(config);
        changes.forEach((key, value) -> {
            Integer i = index.get(key);
            if (i == null) {
                throw new IllegalArgumentException(type.getSimpleName() + " has no field " + key);
            }
            values[i] = value;
        });
        return construct(values, "config.json");
    }

    private Object[] values(C config) {
        Object[] out = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            try {
                out[i] = components[i].getAccessor().invoke(config);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private C construct(Object[] args, String source) {
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof BadInputException b) {
                throw b.getMessage().startsWith(source) ? b : new BadInputException(source + ": " + b.getMessage(), b);
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InstantiationException | IllegalAccessException | IllegalArgumentException e) {
            throw new IllegalStateException(type.getSimpleName() + ": " + e, e);
        }
    }
}
