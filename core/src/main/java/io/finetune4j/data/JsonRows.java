package io.finetune4j.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON Lines (one object per line; objects split over lines too) and JSON files holding one array of objects,
 * as HF's json builder takes them, with Jackson's streaming parser in Java: nesting is capped at {@link #MAX_DEPTH}
 * levels, so no input reaches a native reader's stack. Cell values are String, Long (ints and booleans), Double,
 * flat lists ({@code String[]}, {@code int[]}, {@code float[]}, see {@link DuckDbFiles#listValue}), null, or
 * {@link Nested} for objects and lists of lists.
 */
final class JsonRows {
    /** Rows hold flat values; 64 levels leave room for any real data and none for a stack-eating one. */
    static final int MAX_DEPTH = 64;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(1000)
                    .build())
            .build());

    private JsonRows() {}

    /** An object, or a list that holds lists or objects: kept as its JSON text. */
    record Nested(String json) {
        @Override
        public String toString() {
            return json;
        }
    }

    static DuckDbFiles.RawTable read(Path file) {
        Map<String, List<Object>> cols = new LinkedHashMap<>();
        int rows = 0;
        int rowLine = 0;
        try (InputStream in = Files.newInputStream(file); JsonParser p = JSON.getFactory().createParser(in)) {
            JsonToken first = p.nextToken();
            boolean array = first == JsonToken.START_ARRAY;
            JsonToken t = array ? p.nextToken() : first;
            while (t != null && t != JsonToken.END_ARRAY) {
                rowLine = p.currentTokenLocation().getLineNr();
                if (t != JsonToken.START_OBJECT) {
                    throw new BadInputException(file + " row " + (rows + 1) + " (line " + rowLine + ") is "
                            + kind(t) + ", not an object; give each row as {\"text\": ..., \"label\": ...}");
                }
                JsonNode row = JSON.readTree(p);
                for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    List<Object> values = cols.get(e.getKey());
                    if (values == null) {
                        values = new ArrayList<>(Math.max(16, rows + 16));
                        for (int i = 0; i < rows; i++) values.add(null);
                        cols.put(e.getKey(), values);
                    }
                    while (values.size() < rows) values.add(null);
                    values.add(value(e.getValue()));
                }
                rows++;
                rowLine = 0;
                t = p.nextToken();
            }
            if (array && t == JsonToken.END_ARRAY && p.nextToken() != null) {
                throw new BadInputException(file + " line " + p.currentTokenLocation().getLineNr()
                        + ": more JSON after the array of rows; give one array, or one object per line (JSON Lines)");
            }
        } catch (StreamConstraintsException e) {
            throw new BadInputException(file + " line " + (line(e) > 0 ? line(e) : rowLine) + ": a value is nested more than " + MAX_DEPTH
                    + " levels deep; rows hold texts, numbers and flat lists", e);
        } catch (JsonProcessingException e) {
            int start = rowLine > 0 && rowLine < line(e) ? rowLine : line(e); // a broken row may swallow the lines after it
            throw new BadInputException(file + " line " + start + ": not valid JSON (" + message(e)
                    + (start != line(e) ? ", found at line " + line(e) : "")
                    + "); give one JSON object per line (JSON Lines) or one array of objects", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (rows == 0) {
            throw new BadInputException(file + " holds no rows (it is empty or blank); give one JSON object per line, "
                    + "such as {\"text\": \"a great movie\", \"label\": \"pos\"}");
        }
        Map<String, Object[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Object>> e : cols.entrySet()) {
            List<Object> v = e.getValue();
            while (v.size() < rows) v.add(null);
            out.put(e.getKey(), v.toArray());
        }
        return new DuckDbFiles.RawTable(file, rows, out, 0, null);
    }

    private static Object value(JsonNode v) {
        switch (v.getNodeType()) {
            case STRING:
                return v.textValue();
            case NUMBER:
                return v.isIntegralNumber() && v.canConvertToLong() ? (Object) v.longValue() : (Object) v.doubleValue();
            case BOOLEAN:
                return v.booleanValue() ? 1L : 0L;
            case ARRAY:
                Object[] items = new Object[v.size()];
                for (int i = 0; i < items.length; i++) {
                    JsonNode item = v.get(i);
                    if (item.isContainerNode()) return new Nested(v.toString());
                    items[i] = value(item);
                }
                return DuckDbFiles.listValue(items);
            case OBJECT:
                return new Nested(v.toString());
            default:
                return null;
        }
    }

    private static String kind(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "a JSON array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "not a JSON object";
        };
    }

    private static int line(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    /** Jackson's message without its source/location suffixes, on one line. */
    static String message(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "unknown error" : e.getOriginalMessage();
        m = m.replaceAll("\\s*\\(?(?:start marker )?at \\[Source: [^\\]]*\\]\\)?", "");
        m = DuckDbFiles.firstLine(m).strip();
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }
}
