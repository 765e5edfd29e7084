package io.finetune4j.data;

import io.finetune4j.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What DuckDB needs to read a CSV/TSV the way pandas (HF's csv builder) does, with no guessing of the dialect: the
 * header's column names (pandas' names for blank and repeated ones), all columns read as text, then each column typed
 * as pandas infers it (all integers: int64, all numbers: float64, else strings); and DuckDB's CSV errors as one line.
 */
final class CsvFiles {
    private static final int MAX_HEADER_BYTES = 1 << 20;
    private static final Pattern INT = Pattern.compile("[+-]?\\d{1,18}");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern LINE = Pattern.compile("CSV Error on Line: (\\d+)");
    private static final Pattern COUNTS = Pattern.compile("Expected Number of Columns: (\\d+) Found: (\\d+)");

    private CsvFiles() {}

    /**
     * The column names of the first record (quoted names may hold the delimiter; "" is an escaped quote). As pandas
     * names them: a blank name is "Unnamed: i", a repeated one "name.1", "name.2".
     */
    static List<String> header(Path file, char delim) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_HEADER_BYTES);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        List<String> raw = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int end = -1;
        int i = start;
        int fieldStart = start;
        for (; i < bytes.length; i++) {
            byte b = bytes[i];
            if (quoted) {
                if (b == '"') {
                    if (i + 1 < bytes.length && bytes[i + 1] == '"') i++;
                    else quoted = false;
                }
            } else if (b == '"') {
                quoted = true;
            } else if (b == delim || b == '\n' || b == '\r') {
                raw.add(decode(file, bytes, fieldStart, i));
                fieldStart = i + 1;
                if (b != delim) {
                    end = i;
                    break;
                }
            }
        }
        if (end < 0) {
            if (quoted) throw new BadInputException(file + " line 1: the header has a quote that is never closed; fix the header line");
            if (bytes.length == MAX_HEADER_BYTES) throw new BadInputException(file + " line 1: the header is longer than 1 MiB; is it a CSV file?");
            if (fieldStart < bytes.length || !raw.isEmpty()) raw.add(decode(file, bytes, fieldStart, bytes.length));
        }
        if (raw.isEmpty() || (raw.size() == 1 && raw.get(0).isBlank())) {
            throw new BadInputException(file + " is empty; give a header line (text,label) and rows");
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < raw.size(); c++) {
            String name = unquote(raw.get(c).strip());
            if (name.isEmpty()) name = "Unnamed: " + c;
            String unique = name;
            for (int k = 1; !seen.add(unique); k++) unique = name + "." + k;
            names.add(unique);
        }
        return names;
    }

    private static String decode(Path file, byte[] bytes, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(file + " line 1: the header is not UTF-8 text; save the file as UTF-8");
        }
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) return s.substring(1, s.length() - 1).replace("\"\"", "\"");
        return s;
    }

    /** DuckDB's {@code columns} struct: every column VARCHAR, named as the header names it. */
    static String varcharColumns(List<String> header) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < header.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(DuckDbFiles.literal(header.get(i))).append(": 'VARCHAR'");
        }
        return sb.append('}').toString();
    }

    /** A column of texts (nulls for empty cells) typed as pandas would: Long when all are integers, Double when all are numbers. */
    static Object[] typed(List<Object> texts) {
        boolean ints = true;
        boolean floats = true;
        boolean any = false;
        for (Object o : texts) {
            if (o == null) continue;
            any = true;
            String s = o.toString().strip();
            if (ints && !INT.matcher(s).matches()) ints = false;
            if (!ints && !FLOAT.matcher(s).matches()) {
                floats = false;
                break;
            }
        }
        Object[] out = texts.toArray();
        if (!any || (!ints && !floats)) return out;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) continue;
            String s = out[i].toString().strip();
            out[i] = ints ? (Object) Long.parseLong(s) : (Object) Double.parseDouble(s);
        }
        return out;
    }

    /** DuckDB's CSV error (several lines) as one line: which line, what is wrong with it, what to do. */
    static String problem(Path file, String duckdbMessage) {
        if (duckdbMessage == null) return "cannot read " + file;
        Matcher line = LINE.matcher(duckdbMessage);
        Matcher counts = COUNTS.matcher(duckdbMessage);
        String where = line.find() ? " line " + line.group(1) + " " : " ";
        String what;
        if (counts.find()) {
            int expected = Integer.parseInt(counts.group(1));
            what = (Integer.parseInt(counts.group(2)) > expected ? "more" : "fewer") + " fields than the header's " + expected
                    + " columns (quote a text that holds the delimiter)";
        } else if (duckdbMessage.contains("unterminated quote")) {
            what = "a quote that is never closed (a quote inside a quoted text is written \"\")";
        } else if (duckdbMessage.contains("Invalid unicode")) {
            what = "bytes that are not UTF-8 text (save the file as UTF-8)";
        } else {
            return "cannot read " + file + ": " + DuckDbFiles.firstLine(duckdbMessage);
        }
        return file + where + "has " + what + "; fix the line, or load with onBadRows skip";
    }
}
