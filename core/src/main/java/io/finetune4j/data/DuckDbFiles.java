package io.finetune4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Reads parquet and CSV/TSV files and writes parquet through DuckDB; JSON/JSONL goes to {@link JsonRows} (Jackson,
 * depth-limited). DuckDB errors become {@link BadInputException}s naming the file.
 */
final class DuckDbFiles {
    private DuckDbFiles() {}

    /** A file's rows as read: values may be null; {@code rejected} counts rows DuckDB skipped. */
    record RawTable(Path file, int numRows, Map<String, Object[]> columns, int rejected, Features hfFeatures) {}

    enum Format { PARQUET, CSV, TSV, JSON }

    static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet")) return Format.PARQUET;
        if (name.endsWith(".csv")) return Format.CSV;
        if (name.endsWith(".tsv")) return Format.TSV;
        if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) return Format.JSON;
        return null;
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    /**
     * Reads a whole file; {@code skipBadRows} lets DuckDB skip unparsable CSV lines and counts them. JSON is read in
     * Java ({@link JsonRows}); CSV/TSV with the delimiter, quoting and the header's columns fixed (as pandas reads them,
     * so a ragged row or an unclosed quote is an error naming its line) and column types inferred after ({@link
     * CsvFiles}); parquet as it is.
     */
    static RawTable read(Path file, boolean skipBadRows) {
        Format format = formatOf(file);
        if (format == null) {
            throw new BadInputException("cannot read " + file + ": unknown file type; use .parquet, .csv, .tsv, .json or .jsonl");
        }
        if (format == Format.JSON) return JsonRows.read(file);
        String lit = literal(file);
        List<String> header = format == Format.PARQUET ? null : CsvFiles.header(file, format == Format.TSV ? '\t' : ',');
        String source = format == Format.PARQUET ? "read_parquet(" + lit + ")"
                : "read_csv(" + lit + ", header = true, auto_detect = false, delim = " + (format == Format.TSV ? "'\\t'" : "','")
                        + ", quote = '\"', escape = '\"', columns = " + CsvFiles.varcharColumns(header)
                        + (skipBadRows ? ", ignore_errors = true, store_rejects = true" : "") + ")";
        try (Connection conn = connect()) {
            Features hf = format == Format.PARQUET ? hfFeatures(conn, lit) : null;
            Map<String, List<Object>> cols = new LinkedHashMap<>();
            int rows = 0;
            int rejected = 0;
            try (Statement st = conn.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + source)) {
                    ResultSetMetaData md = rs.getMetaData();
                    int n = md.getColumnCount();
                    int[] types = new int[n + 1];
                    for (int c = 1; c <= n; c++) {
                        cols.put(header != null ? header.get(c - 1) : md.getColumnName(c), new ArrayList<>());
                        types[c] = md.getColumnType(c);
                    }
                    List<List<Object>> lists = new ArrayList<>(cols.values());
                    while (rs.next()) {
                        for (int c = 1; c <= n; c++) lists.get(c - 1).add(value(rs, c, types[c]));
                        rows++;
                    }
                }
                if (skipBadRows && header != null) {
                    try (ResultSet rs = st.executeQuery("SELECT count(DISTINCT line) FROM reject_errors")) {
                        if (rs.next()) rejected = rs.getInt(1);
                    }
                }
            }
            Map<String, Object[]> out = new LinkedHashMap<>();
            cols.forEach((k, v) -> out.put(k, header != null ? CsvFiles.typed(v) : v.toArray()));
            if (rows == 0 && rejected == 0 && header != null) {
                throw new BadInputException(file + " holds no rows (only a header); give at least one row of data");
            }
            return new RawTable(file, rows, out, rejected, hf);
        } catch (SQLException e) {
            throw new BadInputException(header != null ? CsvFiles.problem(file, e.getMessage()) : "cannot read " + file + ": "
                    + firstLine(e.getMessage()) + " (is it a complete parquet file? fetch or copy it again)", e);
        }
    }

    private static Object value(ResultSet rs, int c, int sqlType) throws SQLException {
        switch (sqlType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.BOOLEAN -> {
                long v = rs.getLong(c);
                return rs.wasNull() ? null : (Object) v;
            }
            case Types.FLOAT, Types.DOUBLE, Types.REAL, Types.DECIMAL, Types.NUMERIC -> {
                double v = rs.getDouble(c);
                return rs.wasNull() ? null : (Object) v;
            }
            case Types.ARRAY -> {
                Array a = rs.getArray(c);
                if (a == null) return null;
                Object[] items = (Object[]) a.getArray();
                return listValue(items);
            }
            default -> {
                return rs.getString(c);
            }
        }
    }

    /**
     * A list cell: {@code String[]} when it holds text (label names), {@code float[]} when it holds non-integer
     * numbers (HF's Sequence(float32)), else {@code int[]} (token ids, label ids). Null items become "" / 0.
     */
    static Object listValue(Object[] items) {
        boolean strings = false;
        boolean floats = false;
        for (Object o : items) {
            if (o instanceof String) strings = true;
            else if (o instanceof Double || o instanceof Float || o instanceof java.math.BigDecimal) floats = true;
        }
        if (strings) {
            String[] out = new String[items.length];
            for (int i = 0; i < items.length; i++) out[i] = items[i] == null ? "" : items[i].toString();
            return out;
        }
        if (floats) {
            float[] out = new float[items.length];
            for (int i = 0; i < items.length; i++) out[i] = items[i] == null ? 0f : ((Number) items[i]).floatValue();
            return out;
        }
        int[] ints = new int[items.length];
        for (int i = 0; i < items.length; i++) ints[i] = items[i] == null ? 0 : ((Number) items[i]).intValue();
        return ints;
    }

    /** Features HF stored in the parquet footer ("huggingface" key), or null. */
    private static Features hfFeatures(Connection conn, String lit) {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT decode(value) FROM parquet_kv_metadata(" + lit + ") WHERE decode(key) = 'huggingface'")) {
            if (!rs.next()) return null;
            JsonNode root = FeaturesJson.JSON.readTree(rs.getString(1));
            JsonNode feats = root.path("info").path("features");
            return feats.isObject() ? FeaturesJson.fromJson(feats) : null;
        } catch (SQLException | java.io.IOException | RuntimeException e) {
            return null; // metadata is optional; the data read reports real problems
        }
    }

    /**
     * Writes a dataset as one parquet file (atomically), with its features in the "huggingface"
     * footer key as HF does, so ClassLabel names survive.
     */
    static void writeParquet(Dataset dataset, Path target) {
        AtomicFiles.writeFile(target, tmp -> {
            try (Connection conn = connect(); Statement st = conn.createStatement()) {
                StringBuilder ddl = new StringBuilder("CREATE TABLE t (");
                List<String> names = dataset.columnNames();
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) ddl.append(", ");
                    ddl.append(ident(names.get(i))).append(' ').append(sqlType(dataset.column(names.get(i))));
                }
                st.execute(ddl.append(')').toString());
                try (DuckDBAppender app = ((DuckDBConnection) conn).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "t")) {
                    for (int r = 0; r < dataset.numRows(); r++) {
                        app.beginRow();
                        for (String name : names) {
                            Column c = dataset.column(name);
                            if (c instanceof Column.Strings s) app.append(s.values()[r]);
                            else if (c instanceof Column.Ints s) app.append(s.values()[r]);
                            else if (c instanceof Column.IntLists s) app.append(s.values()[r]);
                            else if (c instanceof Column.Floats s) app.append(s.values()[r]);
                            else if (c instanceof Column.FloatLists s) app.append(s.values()[r]);
                        }
                        app.endRow();
                    }
                }
                ObjectNode hf = FeaturesJson.JSON.createObjectNode();
                hf.putObject("info").set("features", FeaturesJson.toJson(dataset.features()));
                String meta = FeaturesJson.JSON.writeValueAsString(hf);
                st.execute("COPY t TO " + literal(tmp) + " (FORMAT parquet, KV_METADATA {huggingface: " + literal(meta) + "})");
            } catch (SQLException e) {
                throw new java.io.IOException("DuckDB could not write parquet: " + firstLine(e.getMessage()), e);
            }
        });
    }

    private static String sqlType(Column c) {
        if (c instanceof Column.Strings) return "VARCHAR";
        if (c instanceof Column.Ints) return "INTEGER";
        if (c instanceof Column.IntLists) return "INTEGER[]";
        if (c instanceof Column.FloatLists) return "FLOAT[]";
        return "FLOAT";
    }

    static String literal(Object value) {
        return "'" + value.toString().replace("'", "''") + "'";
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String firstLine(String message) {
        if (message == null) return "unknown error";
        String line = Arrays.stream(message.split("\n")).filter(s -> !s.isBlank()).findFirst().orElse(message)
                .replaceFirst("^(?:[A-Z][a-z]+ ){1,3}Error: ", ""); // DuckDB's error class ("Invalid Input Error: ")
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
