package dev.tollgate.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One argument of a tool: its name, JSON type, whether it is required, and what it sets. */
record ToolParam(String name, Type type, boolean required, String description,
        List<String> choices) {

    /** The JSON types tool arguments use. */
    enum Type {
        STRING("string"), INTEGER("integer"), BOOLEAN("boolean"), OBJECT("object"),
        STRING_ARRAY("array"), OBJECT_ARRAY("array");

        private final String schemaType;

        Type(String schemaType) {
            this.schemaType = schemaType;
        }
    }

    static ToolParam required(String name, Type type, String description) {
        return new ToolParam(name, type, true, description, List.of());
    }

    static ToolParam optional(String name, Type type, String description) {
        return new ToolParam(name, type, false, description, List.of());
    }

    /** A string argument that must be one of {@code choices}. */
    static ToolParam choice(String name, boolean required, String description, String... choices) {
        return new ToolParam(name, Type.STRING, required, description, List.of(choices));
    }

    /** Returns this argument's JSON schema. */
    Map<String, Object> schema() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", type.schemaType);
        schema.put("description", description);
        if (!choices.isEmpty()) {
            schema.put("enum", choices);
        }
        if (type == Type.STRING_ARRAY) {
            schema.put("items", Map.of("type", "string"));
        } else if (type == Type.OBJECT_ARRAY) {
            schema.put("items", Map.of("type", "object"));
        }
        return schema;
    }
}
