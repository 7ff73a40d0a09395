package dev.tollgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints API replies as aligned tables, as field lists, or as JSON with {@code --json}. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_CELL_CHARS = 48;

    private Output() {
    }

    /** Prints {@code rows} as a table of {@code columns}, or the whole reply as JSON. */
    static void table(PrintWriter out, boolean json, JsonNode reply, Iterable<JsonNode> rows,
            String... columns) {
        if (json) {
            printJson(out, reply);
            return;
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(header(columns));
        for (JsonNode row : rows) {
            String[] cells = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                cells[i] = cell(row.at("/" + columns[i].replace('.', '/')));
            }
            lines.add(cells);
        }
        int[] widths = new int[columns.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i]
                        : String.format("%-" + widths[i] + "s  ", line[i]));
            }
            out.println(text.toString().stripTrailing());
        }
        if (reply.path("has_more").asBoolean(false)) {
            out.println("(more: --cursor " + reply.path("next_cursor").asText() + ")");
        }
    }

    /** Prints an object's scalar fields one per line, or the object as JSON. */
    static void fields(PrintWriter out, boolean json, JsonNode reply) {
        if (json) {
            printJson(out, reply);
            return;
        }
        int width = 0;
        for (Map.Entry<String, JsonNode> field : reply.properties()) {
            width = Math.max(width, field.getKey().length());
        }
        for (Map.Entry<String, JsonNode> field : reply.properties()) {
            out.printf("%-" + width + "s  %s%n", field.getKey(), cell(field.getValue()));
        }
    }

    static void printJson(PrintWriter out, JsonNode reply) {
        try {
            out.println(JSON.writeValueAsString(reply));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print a parsed JSON reply", e);
        }
    }

    private static String[] header(String[] columns) {
        String[] header = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            header[i] = columns[i].toUpperCase().replace('.', '_');
        }
        return header;
    }

    private static String cell(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "-";
        }
        String text = value.isValueNode() ? value.asText() : value.toString();
        return text.length() > MAX_CELL_CHARS ? text.substring(0, MAX_CELL_CHARS - 3) + "..."
                : text;
    }
}
