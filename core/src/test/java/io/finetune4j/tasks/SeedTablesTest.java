package io.finetune4j.tasks;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.BadInputException;
import io.finetune4j.config.ArgumentBinder;
import io.finetune4j.train.TrainingArguments;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #24: every name of the seed's four reference tables (TrainingArguments; Trainer's parameters and
 * attributes; the tokenizer's methods, attributes and __call__ options) is either implemented or refused on
 * purpose with a message. Reads the committed copy of the seed, so a name added there fails here.
 */
class SeedTablesTest {
    static final Path SEED = Path.of("tests/fixtures/seed/000_82391ea006131866.txt");

    /** Table rows' first cells, per "## " section, of the "# " part whose title contains {@code part}. */
    static Map<String, List<String>> tables(String part) throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        boolean in = false;
        String section = null;
        for (String line : Files.readAllLines(SEED)) {
            if (line.startsWith("# ")) {
                in = line.contains(part);
                continue;
            }
            if (!in) {
                continue;
            }
            if (line.startsWith("## ")) {
                section = line.substring(3).trim();
                out.put(section, new ArrayList<>());
            } else if (line.startsWith("|") && section != null) {
                String cell = line.split("\\|")[1].trim().replace("`", "");
                if (!cell.isEmpty() && !cell.startsWith("-") && !cell.equals("参数名") && !cell.equals("属性名") && !cell.equals("方法名")) {
                    out.get(section).add(cell);
                }
            }
        }
        return out;
    }

    @Test
    void everyTrainingArgumentOfTheSeedIsKnownWithAStatus() throws Exception {
        Map<String, List<String>> sections = tables("TrainingArguments");
        assertEquals(10, sections.size(), "the seed's TrainingArguments part has 10 sections");
        Map<String, ArgumentBinder.ArgInfo> known = new LinkedHashMap<>();
        for (ArgumentBinder.ArgInfo info : ArgumentBinder.describe(TrainingArguments.class)) {
            known.put(info.name(), info);
        }
        List<String> names = sections.values().stream().flatMap(List::stream).toList();
        assertEquals(117, names.size());
        List<String> elsewhere = ApiCoverage.names("TrainingArguments names with another meaning here");
        List<String> unknown = names.stream().filter(n -> !known.containsKey(n) && !elsewhere.contains(n)).toList();
        assertEquals(List.of(), unknown, "names of the seed's TrainingArguments table that finetune4j does not know");
        check("TrainingArguments names with another meaning here", elsewhere);
        for (String name : names) {
            if (elsewhere.contains(name)) {
                continue;
            }
            // HF's default is always accepted, as a config copied from an HF script writes it
            Map<String, Object> values = new LinkedHashMap<>();
            values.put(name, ArgumentBinder.toMap(new TrainingArguments()).get(name));
            assertDoesNotThrow(() -> TrainingArguments.fromMap(values, "test"), name);
            String status = known.get(name).status();
            assertTrue(status.equals("implemented") || status.startsWith("refused: ") || status.startsWith("accepted, no effect here: "), status);
        }
    }

    /** A refused argument set to anything but its default stops with its one-line reason. */
    @Test
    void refusedArgumentsStopWithTheirReason() throws Exception {
        int refused = 0;
        TrainingArguments defaults = new TrainingArguments();
        for (ArgumentBinder.ArgInfo info : ArgumentBinder.describe(TrainingArguments.class)) {
            if (info.refused().isEmpty()) {
                continue;
            }
            refused++;
            Object other = otherValue(info, info.field().get(defaults));
            BadInputException e = assertThrows(BadInputException.class,
                    () -> TrainingArguments.fromMap(Map.of(info.name(), other), "config.yaml"), info.name());
            assertTrue(e.getMessage().startsWith(info.name() + "="), e.getMessage());
            assertTrue(e.getMessage().contains(info.refused()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(refused > 30, "refused: " + refused); // 35 since the ddp_* arguments work (issue #25)
    }

    static Object otherValue(ArgumentBinder.ArgInfo info, Object def) {
        Class<?> t = info.field().getType();
        if (t == boolean.class || t == Boolean.class) {
            return def == null ? true : !(Boolean) def;
        }
        if (t == int.class || t == Integer.class) {
            return def == null ? 4 : (Integer) def + 7;
        }
        if (t == List.class) {
            return List.of("inputs");
        }
        if (t == Map.class) {
            return Map.of("use_reentrant", false);
        }
        return "something";
    }

    @Test
    void everyTrainerAndTokenizerNameOfTheSeedHasARow() throws Exception {
        Map<String, List<String>> trainer = tables("Trainer 参数");
        Map<String, List<String>> tokenizer = tables("Tokenizer");
        List<String> params = new ArrayList<>();
        List<String> attrs = new ArrayList<>();
        trainer.forEach((section, names) -> (section.contains("属性") ? attrs : params).addAll(names));
        check("Trainer parameters", params);
        check("Trainer attributes", attrs);
        List<String> keys = new ArrayList<>(tokenizer.keySet());
        assertEquals(5, keys.size(), keys.toString());
        List<String> methods = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            methods.addAll(tokenizer.get(keys.get(i)));
        }
        check("Tokenizer methods", methods);
        check("Tokenizer attributes", tokenizer.get(keys.get(3)));
        check("Tokenizer __call__ options", tokenizer.get(keys.get(4)));
    }

    private static void check(String table, List<String> seedNames) throws Exception {
        assertFalse(seedNames.isEmpty(), table);
        List<String> rows = ApiCoverage.names(table);
        List<String> missing = seedNames.stream().filter(n -> !rows.contains(n)).toList();
        assertEquals(List.of(), missing, table + ": names of the seed without a row in ApiCoverage");
        for (ApiCoverage.Row r : ApiCoverage.tables().get(table)) {
            assertFalse(r.status().isBlank());
            if (r.javaMember() == null) {
                assertFalse(r.note().isBlank(), r.name() + " is not provided and needs a reason");
                continue;
            }
            String[] parts = r.javaMember().split("#");
            Class<?> c = Class.forName(parts[0]);
            boolean exists = Arrays.stream(c.getMethods()).map(Method::getName).anyMatch(parts[1]::equals);
            assertTrue(exists, table + " " + r.name() + ": " + r.javaMember() + " does not exist");
        }
    }
}
