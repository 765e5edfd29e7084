package io.finetune4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.finetune4j.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads arguments from where users put them: a YAML or JSON file and {@code --key value} flags.
 * Flags override the file. Keys stay as written; {@link ArgumentBinder} checks them.
 */
public final class ConfigSources {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigSources() {}

    /** Reads a .yaml/.yml/.json file into an ordered map. */
    public static Map<String, Object> readFile(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        ObjectMapper mapper = name.endsWith(".json") ? JSON : YAML;
        try {
            String text = Files.readString(file);
            if (text.isBlank()) {
                return new LinkedHashMap<>();
            }
            Map<String, Object> map = mapper.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {});
            return map == null ? new LinkedHashMap<>() : map;
        } catch (NoSuchFileException e) {
            throw new BadInputException("config file not found: " + file + " (check the path given to --config)");
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new BadInputException("cannot parse config file " + file + where + ": " + e.getOriginalMessage().replaceAll("\\s+", " ")
                    + " (expected a mapping of argument names to values)");
        } catch (IOException e) {
            throw new BadInputException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /**
     * Parses HF-style flags: {@code --key value}, {@code --key=value}, and a bare {@code --key}
     * (followed by another flag or nothing) meaning {@code true}. Dashes inside keys become
     * underscores, so {@code --learning-rate} and {@code --learning_rate} are the same.
     */
    public static Map<String, Object> parseFlags(List<String> args) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new BadInputException("unexpected argument '" + arg + "': arguments are given as --name value");
            }
            String body = arg.substring(2);
            String key;
            String value;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                key = body.substring(0, eq);
                value = body.substring(eq + 1);
            } else if (i + 1 < args.size() && !isFlag(args.get(i + 1))) {
                key = body;
                value = args.get(++i);
            } else {
                key = body;
                value = "true";
            }
            out.put(key.replace('-', '_'), value);
        }
        return out;
    }

    private static boolean isFlag(String s) {
        // "--x" is a flag; "-1e-5" or "-3" is a (negative) value.
        return s.startsWith("--");
    }

    /** File values first, then flags on top. */
    public static Map<String, Object> merge(Map<String, Object> file, Map<String, Object> flags) {
        Map<String, Object> merged = new LinkedHashMap<>(file);
        merged.putAll(flags);
        return merged;
    }

    /** Serialises a map as YAML (for printing resolved configs). */
    public static String toYaml(Map<String, Object> map) {
        try {
            return YAML.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serialises a value as indented JSON. */
    public static String toJson(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
