package dev.tollgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A tool as Tollgate defines it: name, description, parameters and the work it does. */
record ToolSpec(String name, String description, List<ToolParam> params, Handler handler) {

    /** The work of one tool call; returns the JSON shown to the client. */
    @FunctionalInterface
    interface Handler {
        JsonNode call(ToolArguments arguments);
    }

    static ToolSpec of(String name, String description, Handler handler, ToolParam... params) {
        return new ToolSpec(name, description, List.of(params), handler);
    }

    /** Returns the JSON schema of the tool's arguments. */
    Map<String, Object> inputSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        params.forEach(param -> properties.put(param.name(), param.schema()));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", params.stream().filter(ToolParam::required)
                .map(ToolParam::name).toList());
        schema.put("additionalProperties", false);
        return schema;
    }
}
